#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "motioncue/core/error.h"
#include "motioncue/synth/joint_limits.h"
#include "motioncue/synth/motion.h"
#include "motioncue/synth/pose_sampler.h"

using namespace motioncue::synth;

namespace {
double angle_between(const cv::Matx33d& a, const cv::Matx33d& b) {
  return cv::norm(matrix_to_axis_angle(a.t() * b));
}
}  // namespace

TEST(Motion, AtLeastEightFamiliesWithDistinctNames) {
  std::set<std::string> names;
  for (auto f : all_motion_families()) names.insert(motion_family_name(f));
  EXPECT_GE(names.size(), 8u);
  EXPECT_EQ(parse_motion_family("walk"), MotionFamily::kWalk);
  EXPECT_THROW(parse_motion_family("moonwalk"), motioncue::Error);
}

TEST(Motion, EveryFamilyStaysWithinJointLimitsAndIsSmoothAt30Fps) {
  std::mt19937_64 rng(11);
  for (auto family : all_motion_families()) {
    for (int instance = 0; instance < 6; ++instance) {
      const MotionParams p = sample_motion_params(family, rng, 0.08);
      const auto frames = generate_motion(p, 90, 30.0);
      double max_step = 0, max_accel = 0, total = 0;
      for (std::size_t t = 0; t < frames.size(); ++t) {
        ASSERT_TRUE(within_limits(frames[t])) << motion_family_name(family) << " frame " << t;
        if (t == 0) continue;
        for (int j = 1; j < kNumBodyJoints; ++j) {
          const double step = angle_between(euler_to_matrix(frames[t - 1].euler[j]),
                                            euler_to_matrix(frames[t].euler[j]));
          max_step = std::max(max_step, step);
          total += step;
          if (t >= 2) {
            const cv::Vec3d acc =
                frames[t].euler[j] - 2 * frames[t - 1].euler[j] + frames[t - 2].euler[j];
            max_accel = std::max(max_accel, cv::norm(acc));
          }
        }
      }
      // Smooth at 30 fps: no joint turns more than ~29 degrees (a fast punch or kick does) between
      // frames, no jerks; and it does move.
      EXPECT_LT(max_step, 0.5) << motion_family_name(family) << " step";
      EXPECT_LT(max_accel, 0.25) << motion_family_name(family) << " accel";
      EXPECT_GT(total, 1.0) << motion_family_name(family);
    }
  }
}

TEST(Motion, ParametersChangeTheMotionAndSameParametersRepeatIt) {
  std::mt19937_64 a(3), b(3), c(4);
  const MotionParams pa = sample_motion_params(MotionFamily::kRun, a, 0.05);
  const MotionParams pb = sample_motion_params(MotionFamily::kRun, b, 0.05);
  const MotionParams pc = sample_motion_params(MotionFamily::kRun, c, 0.05);
  const BodyPose x = evaluate_motion(pa, 0.4), y = evaluate_motion(pb, 0.4),
                 z = evaluate_motion(pc, 0.4);
  for (int j = 1; j < kNumBodyJoints; ++j) EXPECT_EQ(x.euler[j], y.euler[j]);
  double diff = 0;
  for (int j = 1; j < kNumBodyJoints; ++j) diff += cv::norm(x.euler[j] - z.euler[j]);
  EXPECT_GT(diff, 0.3);
}

TEST(Motion, TurnRotatesTheRootAndWalkCanTravel) {
  std::mt19937_64 rng(5);
  const MotionParams turn = sample_motion_params(MotionFamily::kTurn, rng, 0.0);
  const double turned = angle_between(evaluate_motion(turn, 0).root_rotation,
                                      evaluate_motion(turn, 1.0).root_rotation);
  EXPECT_GT(turned, 1.0);
  MotionParams walk = sample_motion_params(MotionFamily::kWalk, rng, 0.0);
  walk.travel = 1.0;
  walk.turn_rate = 0.0;
  const cv::Vec3d d =
      evaluate_motion(walk, 1.0).root_position - evaluate_motion(walk, 0).root_position;
  EXPECT_GT(std::hypot(d[0], d[2]), 0.8);  // ~1.3 m/s * speed
}

TEST(PoseSampler, PosesAreWithinLimitsAndDiverse) {
  std::mt19937_64 rng(9);
  std::vector<BodyPose> poses;
  for (int i = 0; i < 200; ++i) {
    poses.push_back(sample_static_pose(rng));
    ASSERT_TRUE(within_limits(poses.back()));
  }
  // Diversity: per-angle standard deviation of the limbs is large (radians).
  for (int j : {1, 4, 16, 18}) {
    for (int k = 0; k < 3; ++k) {
      double m = 0, m2 = 0;
      for (const auto& p : poses) m += p.euler[j][k];
      m /= poses.size();
      for (const auto& p : poses) m2 += (p.euler[j][k] - m) * (p.euler[j][k] - m);
      const double sd = std::sqrt(m2 / poses.size());
      if ((j == 4 && k != 0) || (j == 18 && k != 1)) continue;  // hinge joints
      EXPECT_GT(sd, 0.15) << "joint " << j << " axis " << k;
    }
  }
  // Headings cover the circle.
  int quadrant[4] = {0, 0, 0, 0};
  for (const auto& p : poses) {
    const cv::Vec3d fwd = p.root_rotation * cv::Vec3d(0, 0, 1);
    quadrant[(fwd[0] > 0) * 2 + (fwd[2] > 0)]++;
  }
  for (int q : quadrant) EXPECT_GT(q, 25);
}

TEST(JointLimits, SoftClampIsIdentityInsideAndBoundedOutside) {
  const AngleRange r{-1.0, 1.0};
  EXPECT_DOUBLE_EQ(soft_clamp(0.3, r), 0.3);
  EXPECT_LE(soft_clamp(100.0, r), 1.0);
  EXPECT_GE(soft_clamp(-100.0, r), -1.0);
  EXPECT_GT(soft_clamp(0.95, r), soft_clamp(0.9, r));  // monotone
}
