#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "motioncue/body/joint_sets.h"
#include "motioncue/core/error.h"
#include "motioncue/synth/detector_keypoints.h"

namespace {

using motioncue::synth::DetectorNoise;
using motioncue::synth::simulate_detector;
constexpr int kK = motioncue::body::kNumKeypoints;

// Every keypoint visible at a distinct position: (100 + 10 k, 50 + t).
std::vector<double> truth(int frames) {
  std::vector<double> j;
  for (int t = 0; t < frames; ++t)
    for (int k = 0; k < kK; ++k) j.insert(j.end(), {100.0 + 10 * k, 50.0 + t, 1.0});
  return j;
}

TEST(DetectorKeypoints, NoiseMissesAndSwapsHaveTheDeclaredRates) {
  const int frames = 4000;
  const std::vector<double> side(frames, 100.0);
  std::mt19937_64 rng(1);
  const DetectorNoise noise;
  const auto out = simulate_detector(truth(frames), side, noise, rng);
  ASSERT_EQ(out.size(), truth(frames).size());
  const auto& mirror = motioncue::body::flip_keypoint_permutation();
  int missed = 0, swapped_frames = 0, reported = 0;
  double sq = 0;
  for (int t = 0; t < frames; ++t) {
    // A frame is swapped when its keypoints sit nearer the mirrored joints' positions.
    int nearer_mirror = 0, asymmetric = 0;
    for (int k = 0; k < kK; ++k) {
      const double* o = &out[(t * kK + k) * 3];
      if (o[2] == 0) {
        ++missed;
        continue;
      }
      EXPECT_GE(o[2], noise.min_confidence);
      EXPECT_LE(o[2], 1.0);
      if (mirror[k] == k) continue;
      ++asymmetric;
      const double own = std::abs(o[0] - (100.0 + 10 * k));
      const double other = std::abs(o[0] - (100.0 + 10 * mirror[k]));
      if (other < own) ++nearer_mirror;
    }
    const bool swapped = nearer_mirror * 2 > asymmetric;
    swapped_frames += swapped;
    for (int k = 0; k < kK && !swapped; ++k) {
      const double* o = &out[(t * kK + k) * 3];
      if (o[2] == 0) continue;
      sq += std::pow(o[0] - (100.0 + 10 * k), 2) + std::pow(o[1] - (50.0 + t), 2);
      reported += 2;
    }
  }
  const double n = static_cast<double>(frames) * kK;
  EXPECT_NEAR(missed / n, noise.miss, 0.01);
  EXPECT_NEAR(swapped_frames / static_cast<double>(frames), noise.swap, 0.015);
  EXPECT_NEAR(std::sqrt(sq / reported), noise.position_sd * 100.0, 0.1);
}

TEST(DetectorKeypoints, HiddenKeypointsAreNotReportedAndBadShapesAreErrors) {
  auto j = truth(2);
  j[2] = 0.0;  // keypoint 0 of frame 0 hidden
  std::mt19937_64 rng(2);
  DetectorNoise noise;
  noise.swap = 0;
  noise.miss = 0;
  const auto out = simulate_detector(j, {100.0, 100.0}, noise, rng);
  EXPECT_EQ(out[2], 0.0);
  EXPECT_GT(out[5], 0.0);
  EXPECT_THROW(simulate_detector(j, {100.0}, noise, rng), motioncue::Error);
}

}  // namespace
