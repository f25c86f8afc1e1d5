// The labeled-image augmentation of docs/METHOD.md section 5 (SPIN's): horizontal flip with joint
// and pose flipping, in-plane rotation, box scale and per-channel colour gains.
#pragma once

#include <array>

namespace motioncue::data {

class Rng;

struct Augmentation {
  bool enabled = true;
  double flip_prob = 0.5;
  // Rotation in degrees: N(0, sigma) clipped to +-clip, and 0 with probability rot_off_prob.
  double rot_sigma_deg = 30, rot_clip_deg = 60, rot_off_prob = 0.6;
  // Box scale factor: N(1, sigma) clipped to [scale_min, scale_max] (> 1 zooms out).
  double scale_sigma = 0.25, scale_min = 0.75, scale_max = 1.25;
  // Per-channel colour gains U[gain_min, gain_max].
  double gain_min = 0.6, gain_max = 1.4;
};

// SPIN's ranges scaled by `strength` about the identity (rotation, box scale and colour gains;
// flips unchanged): 1 = SPIN's, 0 = flips only. Throws Error outside [0, 2].
Augmentation scaled_augmentation(double strength);

// One draw of the augmentation for one sample.
struct AugmentParams {
  bool flip = false;
  double rotation_deg = 0.0;  // positive turns the content counter-clockwise (geometry/crop.h)
  double scale = 1.0;         // multiplies the box scale
  std::array<float, 3> gains = {1, 1, 1};  // RGB
};

// Identity when !aug.enabled. Always consumes the same number of draws from `rng` per call
// when enabled, so one sample's draw never depends on another's.
AugmentParams sample_augmentation(const Augmentation& aug, Rng& rng);

// Throws Error when a setting is out of range (probabilities outside [0, 1], min > max, ...).
void validate(const Augmentation& aug);

}  // namespace motioncue::data
