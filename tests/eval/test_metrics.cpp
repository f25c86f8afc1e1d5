#include <gtest/gtest.h>

#include <cmath>

#include "motioncue/core/error.h"
#include "motioncue/eval/metrics.h"

namespace ev = motioncue::eval;

namespace {

// A plausible 14-joint skeleton (metres), one frame: 1 x 14 x 3.
at::Tensor skeleton() {
  return torch::tensor({{0.10, 0.90, 0.05},
                        {0.11, 0.50, 0.00},
                        {0.10, 0.00, 0.00},
                        {-0.10, 0.00, 0.00},
                        {-0.12, 0.48, 0.02},
                        {-0.10, 0.88, 0.08},
                        {0.45, -0.20, 0.10},
                        {0.30, -0.30, 0.05},
                        {0.18, -0.50, 0.00},
                        {-0.18, -0.50, 0.00},
                        {-0.32, -0.28, 0.04},
                        {-0.40, -0.05, 0.15},
                        {0.00, -0.55, 0.02},
                        {0.00, -0.78, -0.03}},
                       torch::kDouble)
      .unsqueeze(0);
}

at::Tensor rotation_z(double angle) {
  const double c = std::cos(angle), s = std::sin(angle);
  return torch::tensor({{c, -s, 0.0}, {s, c, 0.0}, {0.0, 0.0, 1.0}}, torch::kDouble);
}

at::Tensor transform(const at::Tensor& joints, const at::Tensor& r, double scale,
                     const at::Tensor& t) {
  return scale * torch::matmul(joints, r.transpose(0, 1)) + t;
}

}  // namespace

TEST(Mpjpe, TranslationIsRemovedAndAHipOffsetSpreadsOverEveryJoint) {
  auto gt = skeleton();
  EXPECT_NEAR(ev::mpjpe(gt + torch::tensor({1.0, -2.0, 3.0}, torch::kDouble), gt).item<double>(),
              0.0, 1e-9);
  // Moving the R hip by 20 mm moves the pelvis by 10 mm: after alignment every joint is 10 mm off.
  auto pred = gt.clone();
  pred[0][ev::kRightHip][0] += 0.02;
  auto per_joint = ev::per_joint_error(pred, gt);
  EXPECT_TRUE(torch::allclose(per_joint, torch::full({1, 14}, 10.0, torch::kDouble)));
  // A single non-hip joint 3-4-5 mm triangle off by 50 mm: 50 / 14 mm per frame.
  pred = gt.clone();
  pred[0][7][0] += 0.03;
  pred[0][7][1] += 0.04;
  EXPECT_NEAR(ev::mpjpe(pred, gt).item<double>(), 50.0 / 14.0, 1e-9);
}

TEST(PaMpjpe, SimilarityTransformedCopyIsZero) {
  auto gt = skeleton();
  auto r = torch::matmul(
      rotation_z(0.7),
      torch::tensor({{1.0, 0.0, 0.0}, {0.0, 0.0, -1.0}, {0.0, 1.0, 0.0}}, torch::kDouble));
  auto pred = transform(gt, r, 1.7, torch::tensor({0.3, -0.2, 4.0}, torch::kDouble));
  EXPECT_NEAR(ev::pa_mpjpe(pred, gt).item<double>(), 0.0, 1e-6);
  EXPECT_GT(ev::mpjpe(pred, gt).item<double>(), 100.0);
}

TEST(PaMpjpe, KnownRotationAboutThePelvis) {
  auto gt = skeleton();
  // Rotating about the pelvis by 90 degrees about z moves each joint by sqrt(2) times its
  // distance from the z axis through the pelvis; Procrustes undoes it completely.
  auto centred = gt - ev::pelvis(gt).unsqueeze(1);
  auto pred = transform(centred, rotation_z(M_PI / 2), 1.0, torch::zeros({3}, torch::kDouble));
  const double expected =
      (std::sqrt(2.0) * centred.narrow(2, 0, 2).norm(2, -1)).mean().item<double>() * 1000.0;
  EXPECT_NEAR(ev::mpjpe(pred, gt).item<double>(), expected, 1e-6);
  EXPECT_NEAR(ev::pa_mpjpe(pred, gt).item<double>(), 0.0, 1e-6);
}

TEST(PaMpjpe, AMirrorImageIsNotUndoneByAReflection) {
  // Box corners and face centres, half sizes (a, b, c) = (0.05, 0.4, 0.2): centred, with
  // diagonal covariance diag(10a^2, 10b^2, 10c^2). Mirroring x, the best proper similarity
  // keeps R = I (it flips the axis of least spread, x, back to itself) with scale
  // s = (vy + vz - vx) / (vx + vy + vz).
  const double a = 0.05, b = 0.4, c = 0.2;
  std::vector<double> pts;
  for (int sx : {-1, 1})
    for (int sy : {-1, 1})
      for (int sz : {-1, 1}) pts.insert(pts.end(), {sx * a, sy * b, sz * c});
  pts.insert(pts.end(), {a, 0, 0, -a, 0, 0, 0, b, 0, 0, -b, 0, 0, 0, c, 0, 0, -c});
  auto gt = torch::tensor(pts, torch::kDouble).reshape({1, 14, 3});
  auto pred = gt * torch::tensor({-1.0, 1.0, 1.0}, torch::kDouble);
  const double vx = 10 * a * a, vy = 10 * b * b, vz = 10 * c * c;
  const double s = (vy + vz - vx) / (vx + vy + vz);
  auto g = gt[0];
  auto expected =
      torch::sqrt(((s + 1) * g.select(1, 0)).pow(2) + ((s - 1) * g.select(1, 1)).pow(2) +
                  ((s - 1) * g.select(1, 2)).pow(2)) *
      1000.0;
  auto got = ev::pa_per_joint_error(pred, gt)[0];
  EXPECT_TRUE(torch::allclose(got, expected, 1e-6, 1e-6)) << got << expected;
  EXPECT_GT(ev::pa_mpjpe(pred, gt).item<double>(), 10.0);
}

TEST(PaMpjpe, WorksPerFrameOnBatches) {
  torch::manual_seed(0);
  auto gt = skeleton().repeat({3, 1, 1}) + 0.01 * torch::randn({3, 14, 3}, torch::kDouble);
  auto pred = gt.clone();
  pred[1] = transform(gt[1], rotation_z(1.0), 0.8, torch::ones({3}, torch::kDouble));
  pred[2][5][0] += 0.1;
  auto e = ev::pa_mpjpe(pred, gt);
  ASSERT_EQ(e.size(0), 3);
  EXPECT_NEAR(e[0].item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(e[1].item<double>(), 0.0, 1e-6);
  EXPECT_GT(e[2].item<double>(), 1.0);
  // Least squares: the aligned squared error cannot exceed the unaligned one (100 mm on a joint).
  auto sq = ev::pa_per_joint_error(pred, gt)[2].pow(2).sum().item<double>();
  EXPECT_LE(sq, 100.0 * 100.0 + 1e-6);
}

TEST(Pve, AlignsThePelvisOrTheVertexMean) {
  torch::manual_seed(1);
  auto gt = torch::randn({2, 50, 3}, torch::kDouble);
  auto pred = gt + torch::tensor({0.5, 0.0, 0.0}, torch::kDouble);
  EXPECT_NEAR(ev::pve(pred, gt).max().item<double>(), 0.0, 1e-9);
  auto pelvis = torch::zeros({2, 3}, torch::kDouble);
  EXPECT_NEAR(ev::pve(pred, gt, pelvis, pelvis).mean().item<double>(), 500.0, 1e-9);
  EXPECT_NEAR(ev::pve(pred, gt, pelvis + torch::tensor({0.5, 0.0, 0.0}, torch::kDouble), pelvis)
                  .max()
                  .item<double>(),
              0.0, 1e-9);
  EXPECT_THROW(ev::pve(pred, gt.narrow(1, 0, 10)), motioncue::Error);
}

TEST(AccelerationError, ConstantVelocityDifferenceIsZero) {
  torch::manual_seed(2);
  const int64_t t = 12;
  auto gt = skeleton().repeat({t, 1, 1}) + 0.05 * torch::randn({t, 14, 3}, torch::kDouble);
  auto time = torch::arange(t, torch::kDouble).reshape({t, 1, 1});
  auto pred = gt + 0.02 * torch::randn({1, 14, 3}, torch::kDouble) +
              time * 0.01 * torch::randn({1, 14, 3}, torch::kDouble);
  EXPECT_NEAR(ev::acceleration_error(pred, gt, std::vector<int64_t>(t, 0)), 0.0, 1e-9);
}

TEST(AccelerationError, OneDisplacedFrameGivesTheHandComputedValue) {
  const int64_t t = 10;
  auto gt = skeleton().repeat({t, 1, 1});
  auto pred = gt.clone();
  pred[4][7][0] += 0.03;  // 30 mm on a non-hip joint at frame 4
  // Triples centred at 3, 4, 5 see 30, 60, 30 mm on that joint; 8 triples x 14 joints.
  EXPECT_NEAR(ev::acceleration_error(pred, gt, std::vector<int64_t>(t, 0)), 120.0 / (8 * 14), 1e-9);
}

TEST(AccelerationError, NeverSpansSequenceBoundaries) {
  torch::manual_seed(3);
  const int64_t t = 10;
  auto gt = skeleton().repeat({t, 1, 1}) + 0.05 * torch::randn({t, 14, 3}, torch::kDouble);
  auto pred = gt.clone();
  // A per-joint offset that is constant within the second sequence and jumps at its start.
  pred.narrow(0, 5, 5) += 0.1 * torch::randn({1, 14, 3}, torch::kDouble);
  std::vector<int64_t> ids = {7, 7, 7, 7, 7, 9, 9, 9, 9, 9};
  EXPECT_NEAR(ev::acceleration_error(pred, gt, ids), 0.0, 1e-9);
  EXPECT_EQ(ev::acceleration_errors(pred, gt, ids).numel(), 6);
  EXPECT_GT(ev::acceleration_error(pred, gt, std::vector<int64_t>(t, 0)), 1.0);
  // Sequences shorter than three frames contribute nothing; none at all gives NaN.
  EXPECT_EQ(ev::acceleration_errors(pred, gt, {0, 0, 1, 1, 2, 2, 3, 3, 4, 4}).numel(), 0);
  EXPECT_TRUE(std::isnan(ev::acceleration_error(pred, gt, {0, 0, 1, 1, 2, 2, 3, 3, 4, 4})));
  EXPECT_THROW(ev::acceleration_error(pred, gt, {0, 0}), motioncue::Error);
}

TEST(Summary, CombinesTheMetricsAndRejectsBadShapes) {
  auto gt = skeleton().repeat({4, 1, 1});
  auto pred = gt.clone();
  pred.select(1, 7).select(1, 0) += 0.014;  // 14 mm on one joint in every frame
  auto s = ev::summarize(pred.to(torch::kFloat), gt, {0, 0, 0, 0});
  EXPECT_EQ(s.frames, 4);
  EXPECT_NEAR(s.mpjpe, 1.0, 1e-4);
  EXPECT_NEAR(s.accel, 0.0, 1e-4);
  EXPECT_EQ(s.accel_triples, 2);
  EXPECT_TRUE(std::isnan(s.pve));
  EXPECT_TRUE(ev::to_json(s)["pve_mm"].is_null());
  EXPECT_THROW(ev::mpjpe(torch::zeros({2, 13, 3}), torch::zeros({2, 13, 3})), motioncue::Error);
  EXPECT_THROW(ev::mpjpe(torch::zeros({2, 14, 3}), torch::zeros({3, 14, 3})), motioncue::Error);
}
