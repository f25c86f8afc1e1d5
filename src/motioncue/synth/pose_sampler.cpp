#include "motioncue/synth/pose_sampler.h"

#include <algorithm>
#include <cmath>

#include "motioncue/synth/joint_limits.h"

namespace motioncue::synth {
namespace {
// The central part of each range that is sampled uniformly (the extremes of the anatomical
// ranges look strained); knees, elbows and hips follow their own distributions below.
constexpr double kCentralFraction = 0.75;
}  // namespace

BodyPose sample_static_pose(std::mt19937_64& rng, const StaticPoseOptions& options) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  auto uni = [&](double a, double b) { return a + (b - a) * u01(rng); };
  const auto& limits = joint_limits();
  BodyPose pose;
  for (int j = 1; j < kNumBodyJoints; ++j)
    for (int k = 0; k < 3; ++k) {
      const AngleRange& r = limits[j][k];
      const double mid = 0.5 * (r.lo + r.hi), half = 0.5 * (r.hi - r.lo) * kCentralFraction;
      pose.euler[j][k] = uni(mid - half, mid + half);
    }
  // Legs: mostly standing-like with a long tail of bent, raised or kicking legs.
  for (double s : {1.0, -1.0}) {
    const int hip = s > 0 ? 1 : 2, knee = s > 0 ? 4 : 5, shoulder = s > 0 ? 16 : 17,
              elbow = s > 0 ? 18 : 19;
    const double flex = u01(rng) < 0.6 ? uni(-0.35, 0.5) : uni(0.5, 1.9);
    pose.euler[hip][0] = -flex;
    pose.euler[hip][2] = s * uni(-0.15, 0.6);
    pose.euler[knee][0] = u01(rng) < 0.5 ? uni(0.0, 0.4) : uni(0.4, 2.3);
    // Arms: lowered, horizontal or raised to the side, then swung forward or back.
    pose.euler[shoulder][2] = -s * uni(-1.3, 1.45);
    pose.euler[shoulder][0] = uni(-2.4, 0.7);
    pose.euler[shoulder][1] = -s * uni(-0.6, 1.3);
    pose.euler[elbow][1] = -s * (u01(rng) < 0.35 ? uni(0.0, 0.3) : uni(0.3, 2.4));
  }
  clamp_to_limits(pose);
  const double heading = uni(-M_PI, M_PI);
  const double tilt = std::min(options.max_tilt, 0.6);
  const double pitch =
      std::clamp(std::normal_distribution<double>(0.05, tilt / 2)(rng), -tilt, tilt * 1.4);
  const double roll = std::clamp(std::normal_distribution<double>(0.0, tilt / 3)(rng), -tilt, tilt);
  pose.root_rotation = rot_y(heading) * rot_x(pitch) * rot_z(roll);
  return pose;
}

}  // namespace motioncue::synth
