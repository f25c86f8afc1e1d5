// Subject appearance: clothing regions (skin, hair, top, bottom, shoes) laid out on the body's
// rest pose, each with a colour pair and a solid (3D) texture, stripes, checks, dots or noise, plus
// fine noise everywhere so that optical flow has detail to lock onto. Textures are functions of
// the rest-pose position, so they move exactly with the skin.
#pragma once

#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace motioncue::synth {

enum class Region : int { kSkin = 0, kHair, kTop, kBottom, kShoes };
constexpr int kNumRegions = 5;
std::string region_name(Region r);

enum class Pattern : int { kPlain = 0, kStripes, kChecks, kDots, kNoise };
std::string pattern_name(Pattern p);

struct RegionLook {
  cv::Vec3f base{0.5f, 0.5f, 0.5f}, accent{0.5f, 0.5f, 0.5f};  // BGR in [0, 1]
  Pattern pattern = Pattern::kPlain;
  float frequency = 10.0f;       // cycles per metre
  cv::Vec3f direction{0, 1, 0};  // stripe normal (unit)
  float phase = 0.0f;
  float grain = 0.08f;  // amplitude of the fine noise
};

struct Appearance {
  std::array<RegionLook, kNumRegions> looks;
  float sleeve = 1.0f;  // fraction of the arm (shoulder to wrist) the top covers
  float legs = 1.0f;    // fraction of the leg (hip to ankle) the bottom covers
  float hair = 0.5f;    // hair length, 0 (short) .. 1 (long, to the neck)
  std::uint32_t noise_seed = 0;
};

Appearance sample_appearance(std::mt19937_64& rng);

// The rest-pose landmarks the clothing layout needs, from the body model's rest joints (24 x 3,
// SMPL tree order, T-pose, y up).
struct RestLayout {
  float neck_y, head_y, head_z, shoulder_x, wrist_x, hip_y, ankle_y;
};
RestLayout rest_layout(const float* rest_joints);

// Region of every rest vertex (V x 3).
std::vector<std::int64_t> assign_regions(const Appearance& a, const RestLayout& layout,
                                         const float* rest_vertices, std::int64_t num_vertices);

// Surface colour (BGR, [0, 1]) at a rest-pose point of a region.
cv::Vec3f surface_color(const Appearance& a, const cv::Vec3f& rest_position, int region);

// Smooth 3D value noise in [0, 1] (trilinear with smoothstep), seeded.
float value_noise(float x, float y, float z, std::uint32_t seed);

}  // namespace motioncue::synth
