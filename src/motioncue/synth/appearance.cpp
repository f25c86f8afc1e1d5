#include "motioncue/synth/appearance.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace motioncue::synth {
namespace {

std::uint32_t hash3(std::int32_t x, std::int32_t y, std::int32_t z, std::uint32_t seed) {
  std::uint32_t h = seed * 0x9E3779B1u;
  h ^= static_cast<std::uint32_t>(x) * 0x85EBCA77u;
  h = (h << 13) | (h >> 19);
  h ^= static_cast<std::uint32_t>(y) * 0xC2B2AE3Du;
  h = (h << 13) | (h >> 19);
  h ^= static_cast<std::uint32_t>(z) * 0x27D4EB2Fu;
  h ^= h >> 15;
  h *= 0x2C1B3C6Du;
  h ^= h >> 12;
  h *= 0x297A2D39u;
  h ^= h >> 15;
  return h;
}

float smooth(float t) { return t * t * (3 - 2 * t); }

cv::Vec3f hsv_to_bgr(float h, float s, float v) {
  cv::Mat3f px(1, 1, cv::Vec3f(h * 360.0f, s, v));
  cv::Mat3f out;
  cv::cvtColor(px, out, cv::COLOR_HSV2BGR);
  return out(0, 0);
}

// Skin tones from light to dark (BGR).
const std::array<cv::Vec3f, 6> kSkinTones = {
    cv::Vec3f(0.74f, 0.82f, 0.96f), cv::Vec3f(0.60f, 0.72f, 0.90f), cv::Vec3f(0.47f, 0.60f, 0.80f),
    cv::Vec3f(0.33f, 0.46f, 0.66f), cv::Vec3f(0.22f, 0.32f, 0.50f), cv::Vec3f(0.14f, 0.21f, 0.35f)};
const std::array<cv::Vec3f, 5> kHairColours = {
    cv::Vec3f(0.05f, 0.05f, 0.06f), cv::Vec3f(0.08f, 0.14f, 0.25f), cv::Vec3f(0.18f, 0.32f, 0.50f),
    cv::Vec3f(0.45f, 0.65f, 0.80f), cv::Vec3f(0.55f, 0.55f, 0.57f)};

}  // namespace

std::string region_name(Region r) {
  static const char* names[] = {"skin", "hair", "top", "bottom", "shoes"};
  return names[static_cast<int>(r)];
}

std::string pattern_name(Pattern p) {
  static const char* names[] = {"plain", "stripes", "checks", "dots", "noise"};
  return names[static_cast<int>(p)];
}

float value_noise(float x, float y, float z, std::uint32_t seed) {
  const float fx = std::floor(x), fy = std::floor(y), fz = std::floor(z);
  const auto ix = static_cast<std::int32_t>(fx), iy = static_cast<std::int32_t>(fy),
             iz = static_cast<std::int32_t>(fz);
  const float tx = smooth(x - fx), ty = smooth(y - fy), tz = smooth(z - fz);
  auto v = [&](int dx, int dy, int dz) {
    return (hash3(ix + dx, iy + dy, iz + dz, seed) & 0xFFFFFF) / float(0xFFFFFF);
  };
  const float x00 = v(0, 0, 0) + tx * (v(1, 0, 0) - v(0, 0, 0));
  const float x10 = v(0, 1, 0) + tx * (v(1, 1, 0) - v(0, 1, 0));
  const float x01 = v(0, 0, 1) + tx * (v(1, 0, 1) - v(0, 0, 1));
  const float x11 = v(0, 1, 1) + tx * (v(1, 1, 1) - v(0, 1, 1));
  const float y0 = x00 + ty * (x10 - x00), y1 = x01 + ty * (x11 - x01);
  return y0 + tz * (y1 - y0);
}

Appearance sample_appearance(std::mt19937_64& rng) {
  std::uniform_real_distribution<float> u01(0.0f, 1.0f);
  auto uni = [&](float a, float b) { return a + (b - a) * u01(rng); };
  auto pick = [&](int n) { return std::min(n - 1, static_cast<int>(u01(rng) * n)); };
  auto garment_colour = [&]() {
    // Saturated colours, pastels, darks and greys, as clothes come.
    const float kind = u01(rng);
    if (kind < 0.2f) return hsv_to_bgr(0, 0, uni(0.1f, 0.9f));
    return hsv_to_bgr(u01(rng), uni(0.25f, 0.95f), uni(0.25f, 0.95f));
  };
  Appearance a;
  a.noise_seed = static_cast<std::uint32_t>(rng());
  for (int r = 0; r < kNumRegions; ++r) {
    RegionLook& look = a.looks[r];
    const Region region = static_cast<Region>(r);
    if (region == Region::kSkin) {
      look.base = kSkinTones[pick(kSkinTones.size())] * uni(0.9f, 1.1f);
      look.accent = look.base * 0.85f;
      look.pattern = Pattern::kNoise;
      look.frequency = uni(6, 12);
      look.grain = 0.05f;
    } else if (region == Region::kHair) {
      look.base = kHairColours[pick(kHairColours.size())] * uni(0.85f, 1.15f);
      look.accent = look.base * 0.6f + cv::Vec3f(0.05f, 0.05f, 0.05f);
      look.pattern = Pattern::kStripes;
      look.frequency = uni(8, 14);
      look.grain = 0.1f;
    } else {
      look.base = garment_colour();
      look.accent = u01(rng) < 0.5f ? garment_colour() : look.base * uni(0.3f, 0.7f);
      const float p = u01(rng);
      look.pattern = p < 0.12f   ? Pattern::kPlain
                     : p < 0.45f ? Pattern::kStripes
                     : p < 0.65f ? Pattern::kChecks
                     : p < 0.8f  ? Pattern::kDots
                                 : Pattern::kNoise;
      look.frequency = region == Region::kShoes ? uni(6, 12) : uni(3, 9);
      look.grain = uni(0.06f, 0.14f);
    }
    cv::Vec3f d(uni(-0.4f, 0.4f), 1.0f, uni(-0.4f, 0.4f));
    if (u01(rng) < 0.3f) d = cv::Vec3f(1.0f, uni(-0.3f, 0.3f), uni(-0.3f, 0.3f));
    look.direction = d / static_cast<float>(cv::norm(d));
    look.phase = uni(0, 6.283f);
  }
  const float sleeve = u01(rng);
  a.sleeve = sleeve < 0.15f ? 0.0f : sleeve < 0.55f ? uni(0.2f, 0.45f) : 1.0f;
  a.legs = u01(rng) < 0.35f ? uni(0.35f, 0.55f) : 1.0f;
  a.hair = u01(rng);
  return a;
}

RestLayout rest_layout(const float* j) {
  auto y = [&](int k) { return j[3 * k + 1]; };
  RestLayout l;
  l.neck_y = y(12);
  l.head_y = y(15);
  l.head_z = j[3 * 15 + 2];
  l.shoulder_x = 0.5f * (std::abs(j[3 * 16]) + std::abs(j[3 * 17]));
  l.wrist_x = 0.5f * (std::abs(j[3 * 20]) + std::abs(j[3 * 21]));
  l.hip_y = 0.5f * (y(1) + y(2));
  l.ankle_y = 0.5f * (y(7) + y(8));
  return l;
}

std::vector<std::int64_t> assign_regions(const Appearance& a, const RestLayout& l, const float* v,
                                         std::int64_t n) {
  std::vector<std::int64_t> out(n);
  for (std::int64_t i = 0; i < n; ++i) {
    const float x = std::abs(v[3 * i]), y = v[3 * i + 1], z = v[3 * i + 2];
    Region r;
    if (x > l.shoulder_x + 0.02f) {  // arms (T-pose)
      const float sleeve_end = l.shoulder_x + a.sleeve * (l.wrist_x - l.shoulder_x);
      r = x < sleeve_end + 0.02f ? Region::kTop : Region::kSkin;
    } else if (y > l.neck_y + 0.01f) {  // neck and head
      const bool crown = y > l.head_y + 0.06f;
      const bool back = z < l.head_z - 0.01f && y > l.head_y - 0.12f * a.hair;
      r = (crown || back) ? Region::kHair : Region::kSkin;
    } else if (y > l.hip_y + 0.07f) {
      r = Region::kTop;
    } else if (y < l.ankle_y + 0.035f) {
      r = Region::kShoes;
    } else {
      const float pants_end = l.hip_y - a.legs * (l.hip_y - l.ankle_y);
      r = y > pants_end ? Region::kBottom : Region::kSkin;
    }
    out[i] = static_cast<std::int64_t>(r);
  }
  return out;
}

cv::Vec3f surface_color(const Appearance& a, const cv::Vec3f& p, int region) {
  const RegionLook& look = a.looks[std::clamp(region, 0, kNumRegions - 1)];
  const float f = look.frequency;
  float mix = 0.0f;
  switch (look.pattern) {
    case Pattern::kPlain:
      break;
    case Pattern::kStripes: {
      const float s = std::sin(6.2832f * f * p.dot(look.direction) + look.phase);
      mix = smooth(std::clamp(0.5f + 0.8f * s, 0.0f, 1.0f));
      break;
    }
    case Pattern::kChecks: {
      const float s = std::sin(6.2832f * f * p[0] + look.phase) * std::sin(6.2832f * f * p[1]) *
                      std::sin(6.2832f * f * p[2] + 1.0f);
      mix = smooth(std::clamp(0.5f + 2.5f * s, 0.0f, 1.0f));
      break;
    }
    case Pattern::kDots: {
      const cv::Vec3f q = p * f;
      const cv::Vec3f c(q[0] - std::round(q[0]), q[1] - std::round(q[1]), q[2] - std::round(q[2]));
      mix = smooth(std::clamp((0.4f - static_cast<float>(cv::norm(c))) * 5.0f, 0.0f, 1.0f));
      break;
    }
    case Pattern::kNoise:
      mix = value_noise(p[0] * f, p[1] * f, p[2] * f, a.noise_seed + region);
      break;
  }
  cv::Vec3f c = look.base * (1.0f - mix) + look.accent * mix;
  // Fine grain, still well below the Nyquist rate of a ~60 px/m person image (no shimmer).
  const float g = 10.0f;
  const float grain = value_noise(p[0] * g, p[1] * g, p[2] * g, a.noise_seed ^ 0xABCDu);
  const float shade = 1.0f + look.grain * (2.0f * grain - 1.0f);
  c *= shade;
  for (int k = 0; k < 3; ++k) c[k] = std::clamp(c[k], 0.0f, 1.0f);
  return c;
}

}  // namespace motioncue::synth
