#include "motioncue/synth/detector_keypoints.h"

#include <cstddef>

#include "motioncue/body/joint_sets.h"
#include "motioncue/core/error.h"

namespace motioncue::synth {

std::vector<double> simulate_detector(const std::vector<double>& joints2d,
                                      const std::vector<double>& box_side,
                                      const DetectorNoise& noise, std::mt19937_64& rng) {
  constexpr std::size_t kK = body::kNumKeypoints;
  const std::size_t frames = box_side.size();
  if (joints2d.size() != frames * kK * 3)
    throw Error("simulate_detector: joints2d does not match the frame count")
        .expected(std::to_string(frames * kK * 3))
        .found(std::to_string(joints2d.size()));
  const auto& mirror = body::flip_keypoint_permutation();
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> out(joints2d.size(), 0.0);
  for (std::size_t t = 0; t < frames; ++t) {
    const bool swapped = uniform(rng) < noise.swap;
    const double sd = noise.position_sd * box_side[t];
    for (std::size_t k = 0; k < kK; ++k) {
      // Draw every random number whatever the outcome, so one keypoint's fate does not shift
      // the others' noise.
      const double dx = gauss(rng) * sd, dy = gauss(rng) * sd;
      const bool missed = uniform(rng) < noise.miss;
      const double confidence = noise.min_confidence + (1.0 - noise.min_confidence) * uniform(rng);
      // With a swap, the detector reports the mirrored joint under this joint's name.
      const std::size_t source = swapped ? static_cast<std::size_t>(mirror[k]) : k;
      const double* in = &joints2d[(t * kK + source) * 3];
      double* o = &out[(t * kK + k) * 3];
      if (in[2] <= 0.0 || missed) continue;
      o[0] = in[0] + dx;
      o[1] = in[1] + dy;
      o[2] = confidence;
    }
  }
  return out;
}

}  // namespace motioncue::synth
