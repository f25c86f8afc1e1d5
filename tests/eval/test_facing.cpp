// The facing diagnostics (eval/facing.h) and MPJPE-R: hand-made bodies and sequences, then the
// evaluator on a small synthetic benchmark.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include "../support/constant_network.h"
#include "../support/small_benchmark.h"
#include "../support/temp_dir.h"
#include "motioncue/body/body_model.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/eval/evaluator.h"
#include "motioncue/eval/facing.h"
#include "motioncue/eval/metrics.h"
#include "motioncue/model/network.h"

namespace ev = motioncue::eval;

namespace {

// An upright body facing the camera (camera frame: x right, y down, z away from the camera), one
// frame, 1 x 14 x 3 metres. Its left side is at +x; hips, shoulders and neck lie in the plane
// z = 0, so its forward direction is exactly -z. Limbs are bent a little out of that plane.
at::Tensor facing_camera() {
  return torch::tensor({{-0.10, 0.90, 0.05},    // R ankle
                        {-0.11, 0.50, -0.04},   // R knee
                        {-0.10, 0.00, 0.00},    // R hip
                        {0.10, 0.00, 0.00},     // L hip
                        {0.12, 0.48, -0.02},    // L knee
                        {0.10, 0.88, 0.08},     // L ankle
                        {-0.45, -0.20, -0.10},  // R wrist
                        {-0.30, -0.30, -0.05},  // R elbow
                        {-0.18, -0.50, 0.00},   // R shoulder
                        {0.18, -0.50, 0.00},    // L shoulder
                        {0.32, -0.28, -0.04},   // L elbow
                        {0.40, -0.05, -0.15},   // L wrist
                        {0.00, -0.55, 0.00},    // neck
                        {0.00, -0.78, -0.03}},  // head top
                       torch::kDouble)
      .unsqueeze(0);
}

// Rotation by `angle` about the axis (unit) through the origin.
at::Tensor rotation(const std::vector<double>& axis, double angle) {
  const auto kx =
      torch::tensor({{0.0, -axis[2], axis[1]}, {axis[2], 0.0, -axis[0]}, {-axis[1], axis[0], 0.0}},
                    torch::kDouble);
  return torch::eye(3, torch::kDouble) + std::sin(angle) * kx +
         (1 - std::cos(angle)) * torch::matmul(kx, kx);
}

// Joints rotated about their pelvis (the hip midpoint).
at::Tensor rotated(const at::Tensor& joints, const at::Tensor& r) {
  const auto p = ev::pelvis(joints).unsqueeze(1);
  return torch::matmul(joints - p, r.transpose(0, 1)) + p;
}

// The same body turned 180 degrees about the vertical (image y) axis: its back to the camera.
at::Tensor facing_away_body() { return rotated(facing_camera(), rotation({0, 1, 0}, M_PI)); }

}  // namespace

TEST(Facing, ABodyFacingTheCameraIsNotAwayAndTurnedAroundItIs) {
  const auto front = ev::facing_directions(facing_camera());
  ASSERT_EQ(front.size(0), 1);
  ASSERT_EQ(front.size(1), 3);
  EXPECT_TRUE(torch::allclose(front, torch::tensor({{0.0, 0.0, -1.0}}, torch::kDouble))) << front;
  EXPECT_FALSE(ev::facing_away(facing_camera()).item<bool>());
  EXPECT_TRUE(ev::facing_away(facing_away_body()).item<bool>());
  EXPECT_TRUE(torch::allclose(ev::facing_directions(facing_away_body()),
                              torch::tensor({{0.0, 0.0, 1.0}}, torch::kDouble)));
  // Neither translation nor scale changes the direction; a 60-degree turn stays towards the
  // camera, a 120-degree one faces away.
  const auto moved = 1.7 * facing_camera() + torch::tensor({0.3, -0.2, 4.0}, torch::kDouble);
  EXPECT_TRUE(torch::allclose(ev::facing_directions(moved), front));
  EXPECT_FALSE(
      ev::facing_away(rotated(facing_camera(), rotation({0, 1, 0}, M_PI / 3))).item<bool>());
  EXPECT_TRUE(
      ev::facing_away(rotated(facing_camera(), rotation({0, 1, 0}, 2 * M_PI / 3))).item<bool>());
  EXPECT_THROW(ev::facing_directions(torch::zeros({2, 13, 3})), motioncue::Error);
}

TEST(Facing, WrongAndFlipsCountedWithinSequencesOnly) {
  // F: facing the camera, B: its back to the camera.
  //   truth:      sequence 0 = F F F F, sequence 1 = B B B
  //   prediction: sequence 0 = F F B F, sequence 1 = B B F
  // Both change facing between the last frame of sequence 0 and the first of sequence 1, which
  // is not a pair: 5 pairs, not 6.
  const auto F = facing_camera(), B = facing_away_body();
  const auto gt = torch::cat({F, F, F, F, B, B, B});
  const auto pred = torch::cat({F, F, B, F, B, B, F});
  const std::vector<int64_t> seq = {0, 0, 0, 0, 1, 1, 1};
  const ev::FacingSummary s = ev::summarize_facing(pred, gt, seq);
  EXPECT_EQ(s.frames, 7);
  EXPECT_EQ(s.pairs, 5);
  EXPECT_DOUBLE_EQ(s.facing_away, 3.0 / 7);
  EXPECT_DOUBLE_EQ(s.facing_away_gt, 3.0 / 7);
  EXPECT_DOUBLE_EQ(s.facing_wrong, 2.0 / 7);  // frame 2 of sequence 0 and frame 2 of sequence 1
  EXPECT_DOUBLE_EQ(s.facing_flips, 3.0 / 5);  // F->B, B->F in sequence 0; B->F in sequence 1
  EXPECT_DOUBLE_EQ(s.facing_flips_gt, 0.0);
  EXPECT_NEAR(s.facing_turn_deg, 3 * 180.0 / 5, 1e-4);
  // The flipped frames are the body turned about its pelvis: MPJPE-R removes that exactly.
  EXPECT_NEAR(s.mpjpe_rot, 0.0, 1e-6);
  EXPECT_GT(ev::mpjpe(pred, gt).mean().item<double>(), 50.0);

  // As one sequence, the boundary pair counts (and flips in the prediction and the truth).
  const auto one = ev::summarize_facing(pred, gt, std::vector<int64_t>(7, 0));
  EXPECT_EQ(one.pairs, 6);
  EXPECT_DOUBLE_EQ(one.facing_flips, 4.0 / 6);
  EXPECT_DOUBLE_EQ(one.facing_flips_gt, 1.0 / 6);

  // No pairs (every frame its own sequence): flips and turn are not computable.
  const auto lone = ev::summarize_facing(pred, gt, {0, 1, 2, 3, 4, 5, 6});
  EXPECT_EQ(lone.pairs, 0);
  EXPECT_TRUE(std::isnan(lone.facing_flips));
  EXPECT_TRUE(std::isnan(lone.facing_turn_deg));
  EXPECT_DOUBLE_EQ(lone.facing_wrong, 2.0 / 7);

  EXPECT_THROW(ev::summarize_facing(pred, gt, {0, 0}), motioncue::Error);
  EXPECT_THROW(ev::summarize_facing(pred, gt.slice(0, 0, 6), std::vector<int64_t>(7, 0)),
               motioncue::Error);
}

TEST(Facing, JsonRoundTripAndOldResultsReadAsUnknown) {
  const auto F = facing_camera(), B = facing_away_body();
  const auto s = ev::summarize_facing(torch::cat({F, B}), torch::cat({F, F}), {0, 0});
  const nlohmann::json j = ev::to_json(s);
  for (const char* key : {"facing_away", "facing_away_gt", "facing_wrong", "facing_flips",
                          "facing_flips_gt", "facing_turn_deg", "mpjpe_rot_mm", "frames", "pairs"})
    EXPECT_TRUE(j.contains(key)) << key;
  const auto back = ev::facing_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_DOUBLE_EQ(back.facing_wrong, 0.5);
  EXPECT_DOUBLE_EQ(back.facing_flips, 1.0);
  EXPECT_DOUBLE_EQ(back.mpjpe_rot, s.mpjpe_rot);
  EXPECT_EQ(back.pairs, 1);
  // A result written before the diagnostics existed: every field unknown.
  const auto old = ev::facing_from_json(nlohmann::json());
  EXPECT_TRUE(std::isnan(old.facing_wrong));
  EXPECT_TRUE(std::isnan(old.mpjpe_rot));
  EXPECT_EQ(old.frames, 0);
  // NaN is written as null and read back as NaN.
  const auto lone = ev::summarize_facing(F, F, {0});
  EXPECT_TRUE(ev::to_json(lone).at("facing_flips").is_null());
  EXPECT_TRUE(std::isnan(ev::facing_from_json(ev::to_json(lone)).facing_flips));
}

TEST(MpjpeRot, ARotatedCopyIsZeroAScaledOneIsNot) {
  const auto gt = facing_camera();
  const auto r = rotation({0.6, 0.0, 0.8}, 2.0);
  // Rotated about the pelvis and moved: MPJPE is large, MPJPE-R is 0.
  const auto turned = rotated(gt, r) + torch::tensor({0.5, 0.1, 3.0}, torch::kDouble);
  EXPECT_GT(ev::mpjpe(turned, gt).item<double>(), 100.0);
  EXPECT_NEAR(ev::mpjpe_rot(turned, gt).item<double>(), 0.0, 1e-6);
  // Scaled about the pelvis: no rotation helps (the best one is the identity), so MPJPE-R is
  // MPJPE and not 0, while PA-MPJPE (which removes scale) is 0.
  const auto p = ev::pelvis(gt).unsqueeze(1);
  const auto scaled = 1.2 * (gt - p) + p;
  const double mp = ev::mpjpe(scaled, gt).item<double>();
  EXPECT_GT(mp, 30.0);
  EXPECT_NEAR(ev::mpjpe_rot(scaled, gt).item<double>(), mp, 1e-6);
  EXPECT_NEAR(ev::pa_mpjpe(scaled, gt).item<double>(), 0.0, 1e-6);
  // Rotated and scaled: the rotation is removed, the scale error stays.
  EXPECT_NEAR(ev::mpjpe_rot(rotated(scaled, r), gt).item<double>(), mp, 1e-6);
  // A mirror image is not a rotation: never fitted exactly.
  auto mirrored = gt.clone();
  mirrored.select(2, 0).mul_(-1);
  EXPECT_GT(ev::mpjpe_rot(mirrored, gt).item<double>(), 10.0);
  // Per joint: N x 14, never above the pelvis-aligned error (the identity is a candidate).
  const auto random = gt + 0.05 * torch::randn({1, 14, 3}, torch::kDouble);
  const auto per_joint = ev::rot_per_joint_error(random, gt);
  EXPECT_EQ(per_joint.size(0), 1);
  EXPECT_EQ(per_joint.size(1), 14);
  // Slack of float32 arithmetic (relative 1e-5), not of double: the metrics run in float32.
  EXPECT_LE(per_joint.mean().item<double>(), ev::mpjpe(random, gt).item<double>() * (1 + 1e-5));
}

namespace {

// `tiny` shrunk: four test sequences of six frames.
const std::filesystem::path& facing_benchmark() {
  static const std::unique_ptr<motioncue::testing::TempDir> dir = [] {
    motioncue::testing::SmallBenchmarkSizes n;
    n.test_sequences = 4;
    n.test_frames = 6;
    return motioncue::testing::make_small_benchmark(n);
  }();
  return dir->path();
}

}  // namespace

TEST(FacingOnSyntheticVideo, TheTruthsFacingAgreesWithItsGlobalOrientation) {
  // The body model's rest pose faces +z, so the truth's global orientation R (pose[0:3], camera
  // frame) turns that to R e_z: where it is clearly towards or away from the camera, the
  // joint-based facing must say the same. This checks the camera-frame convention.
  const auto dataset = motioncue::data::VideoDataset::open(facing_benchmark() / "test");
  int64_t clear = 0, away = 0, total = 0;
  for (int64_t s = 0; s < dataset.num_sequences(); ++s) {
    const auto& a = dataset.annotations(s);
    const int64_t T = a.frames;
    const auto joints =
        torch::from_blob(const_cast<float*>(a.joints3d.data()), {T, 24, 3}, torch::kFloat)
            .slice(1, 0, 14)
            .to(torch::kDouble);
    const auto pose =
        torch::from_blob(const_cast<float*>(a.pose.data()), {T, 72}, torch::kFloat).clone();
    const auto root = motioncue::body::axis_angle_to_matrix(pose.slice(1, 0, 3).to(torch::kDouble));
    const auto model_forward = root.select(2, 2);  // R e_z, T x 3
    const auto facing = ev::facing_directions(joints);
    for (int64_t t = 0; t < T; ++t) {
      ++total;
      const double z = model_forward[t][2].item<double>();
      if (std::abs(z) < 0.3) continue;  // near profile: the two may disagree on the sign
      ++clear;
      EXPECT_EQ(facing[t][2].item<double>() > 0, z > 0) << "sequence " << s << " frame " << t;
      EXPECT_GT((facing[t] * model_forward[t]).sum().item<double>(), 0.0)
          << "sequence " << s << " frame " << t;
    }
    away += ev::facing_away(joints).sum().item<int64_t>();
  }
  EXPECT_GT(clear, total / 2);
  // Headings are drawn from every direction: some frames face away, not all.
  EXPECT_GT(away, 0);
  EXPECT_LT(away, total);
}

TEST(FacingOnSyntheticVideo, TheEvaluatorReportsItForTheSplit) {
  const auto dataset = motioncue::data::VideoDataset::open(facing_benchmark() / "test");
  // Every frame gets the initial state, one facing for the whole split.
  const auto network = motioncue::testing::constant_network(32);
  ev::EvalOptions options;
  options.resolution = 32;
  options.batch_size = 5;  // batches that cut across sequences
  options.with_vertices = false;
  const auto r = ev::evaluate(ev::single_frame_predictor(network),
                              motioncue::testing::default_body_model(), dataset, options);
  const auto& f = r.facing;
  EXPECT_EQ(f.frames, 24);
  EXPECT_EQ(f.pairs, 4 * 5);
  EXPECT_DOUBLE_EQ(f.facing_away, 0.0);  // the upright initial state faces the camera
  EXPECT_DOUBLE_EQ(f.facing_flips, 0.0);
  EXPECT_NEAR(f.facing_turn_deg, 0.0, 1e-3);
  EXPECT_GT(f.facing_away_gt, 0.0);
  EXPECT_LT(f.facing_away_gt, 1.0);
  EXPECT_DOUBLE_EQ(f.facing_flips_gt, 0.0);  // the synthetic motions turn slowly
  // Facing the camera in every frame is wrong about where the truth faces away (up to frames
  // near profile, where "away" and "more than 90 degrees off" may differ).
  EXPECT_NEAR(f.facing_wrong, f.facing_away_gt, 2.0 / 24);
  EXPECT_LE(f.mpjpe_rot, r.overall.mpjpe * (1 + 1e-5));  // float32 slack
  EXPECT_GT(f.mpjpe_rot, 0.0);
  // Recomputed from the kept predictions (mm) it is the same.
  const auto again = ev::summarize_facing(r.pred_joints.to(torch::kDouble) / 1000.0,
                                          r.gt_joints.to(torch::kDouble) / 1000.0, r.sequence);
  EXPECT_DOUBLE_EQ(again.facing_wrong, f.facing_wrong);
  EXPECT_NEAR(again.mpjpe_rot, f.mpjpe_rot, 1e-2);  // the kept joints are float32
  // to_json writes it; the JSON reads back.
  const nlohmann::json j = ev::to_json(r);
  ASSERT_TRUE(j.contains("facing"));
  EXPECT_DOUBLE_EQ(ev::facing_from_json(j["facing"]).facing_wrong, f.facing_wrong);
  // The JSON writer prints doubles with 17 significant digits: the round trip is exact.
  EXPECT_DOUBLE_EQ(j["facing"]["mpjpe_rot_mm"].get<double>(), f.mpjpe_rot);
}
