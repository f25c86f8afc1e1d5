#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "../support/test_values.h"
#include "motioncue/core/error.h"
#include "motioncue/losses/keypoints.h"
#include "motioncue/losses/supervised.h"

namespace {

using namespace motioncue::losses;

using motioncue::testing::kDouble;

struct Prediction {
  at::Tensor rotmats, betas, cam, keypoints3d;
};

Prediction prediction(int64_t n) {
  torch::manual_seed(11);
  Prediction p;
  p.rotmats = torch::eye(3, kDouble).expand({n, 24, 3, 3}).contiguous();
  p.betas = torch::zeros({n, 10}, kDouble);
  p.cam = torch::tensor({{2.0, 0.1, -0.2}, {0.1, 0.0, 0.3}}, kDouble).narrow(0, 0, n).contiguous();
  p.keypoints3d = torch::randn({n, 24, 3}, kDouble) * 0.3;
  return p;
}

// Targets equal to the prediction (every keypoint confident).
SupervisedTargets targets_of(const Prediction& p) {
  SupervisedTargets t;
  t.rotmats = p.rotmats.clone();
  t.betas = p.betas.clone();
  t.has_smpl = torch::ones({p.rotmats.size(0)}, torch::kBool);
  const auto ones = torch::ones({p.rotmats.size(0), 24, 1}, kDouble);
  t.keypoints2d = torch::cat({project_normalized(p.keypoints3d, p.cam), ones}, 2);
  t.keypoints3d = torch::cat({p.keypoints3d + torch::tensor({0.3, -0.1, 4.0}, kDouble), ones}, 2);
  return t;
}

TEST(SupervisedLoss, ZeroAtTheTargets) {
  auto p = prediction(2);
  p.cam.select(1, 0).fill_(5.0);  // exp(-50)^2: the camera regulariser vanishes for a large scale
  const auto terms = supervised_loss(p.rotmats, p.betas, p.cam, p.keypoints3d, targets_of(p));
  EXPECT_NEAR(terms.total.item<double>(), 0.0, 1e-20);
  EXPECT_EQ(terms.terms.size(), 6u);
  for (const auto& [name, value] : terms.terms)
    EXPECT_NEAR(value.item<double>(), 0.0, 1e-20) << name;
}

TEST(SupervisedLoss, HandComputedSmallCase) {
  auto p = prediction(2);
  auto t = targets_of(p);
  t.has_smpl = torch::tensor({1.0, 0.0}, kDouble);
  t.rotmats[0][5][1][2] = 0.3;    // pose: 0.09 over 1 row x 216 elements
  t.rotmats[1][7][0][0] = 9.0;    // ignored: has_smpl = 0
  p.betas[0][0] = 1.0;            // betas: 1 over 1 row x 10
  p.betas[1][1] = 2.0;            // beta prior: (1 + 4) / 20; not in betas (has_smpl 0)
  t.keypoints2d[0][4][0] += 0.1;  // kp2d: 0.01 over 2 x 24 x 2
  t.keypoints2d[1][6][1] += 0.5;  // confidence 0: ignored
  t.keypoints2d[1][6][2] = 0.0;
  t.keypoints3d[0][10][2] += 0.2;  // kp3d: 0.5 * 0.04 over 2 x 24 x 3
  t.keypoints3d[0][10][3] = 0.5;
  const double pose = 0.09 / 216, betas = 1.0 / 10, prior = 5.0 / 20, kp2d = 0.01 / 96,
               kp3d = 0.5 * 0.04 / 144, cam = (std::exp(-40.0) + std::exp(-2.0)) / 2;
  const auto terms = supervised_loss(p.rotmats, p.betas, p.cam, p.keypoints3d, t);
  EXPECT_NEAR(terms.terms.at("pose").item<double>(), 60 * pose, 1e-12);
  EXPECT_NEAR(terms.terms.at("betas").item<double>(), 60 * 0.001 * betas, 1e-12);
  EXPECT_NEAR(terms.terms.at("beta_prior").item<double>(), 60 * prior, 1e-12);
  EXPECT_NEAR(terms.terms.at("kp2d").item<double>(), 60 * 5 * kp2d, 1e-12);
  EXPECT_NEAR(terms.terms.at("kp3d").item<double>(), 60 * 5 * kp3d, 1e-12);
  EXPECT_NEAR(terms.terms.at("cam_reg").item<double>(), 60 * cam, 1e-12);
  EXPECT_NEAR(terms.total.item<double>(),
              60 * (pose + 0.001 * betas + prior + 5 * kp2d + 5 * kp3d + cam), 1e-10);

  SupervisedWeights w;
  w.overall = 1;
  w.kp2d = 0;
  w.pose = 2;
  const auto reweighted = supervised_loss(p.rotmats, p.betas, p.cam, p.keypoints3d, t, w);
  EXPECT_NEAR(reweighted.total.item<double>(), 2 * pose + 0.001 * betas + prior + 5 * kp3d + cam,
              1e-12);
}

TEST(SupervisedLoss, NoSmplRowsGiveZeroPoseAndBetasWithFiniteGradients) {
  auto p = prediction(2);
  auto t = targets_of(p);
  t.has_smpl = torch::zeros({2}, torch::kBool);
  t.rotmats.fill_(7.0);
  auto rotmats = p.rotmats.clone().requires_grad_(true);
  auto betas = (p.betas + 0.5).requires_grad_(true);
  auto cam = p.cam.clone().requires_grad_(true);
  auto kp = p.keypoints3d.clone().requires_grad_(true);
  const auto terms = supervised_loss(rotmats, betas, cam, kp, t);
  EXPECT_EQ(terms.terms.at("pose").item<double>(), 0.0);
  EXPECT_EQ(terms.terms.at("betas").item<double>(), 0.0);
  terms.total.backward();
  for (const auto& x : {rotmats, betas, cam, kp}) {
    ASSERT_TRUE(x.grad().defined());
    EXPECT_TRUE(torch::isfinite(x.grad()).all().item<bool>());
  }
  EXPECT_EQ(rotmats.grad().abs().max().item<double>(), 0.0);
  // The camera scale gets the regulariser's push towards larger s and the kp2d gradient.
  EXPECT_LT(cam.grad()[1][0].item<double>(), 0.0);
}

TEST(SupervisedLoss, GradientOfTheTwoDimensionalTermMovesTheCameraTowardsTheTarget) {
  auto p = prediction(1);
  auto t = targets_of(p);
  t.keypoints2d.select(2, 0) += 0.2;  // targets shifted right: tx must grow
  auto cam = p.cam.clone().requires_grad_(true);
  SupervisedWeights w;
  w.cam_reg = 0;
  supervised_loss(p.rotmats, p.betas, cam, p.keypoints3d, t, w).total.backward();
  EXPECT_LT(cam.grad()[0][1].item<double>(), 0.0);
  EXPECT_NEAR(cam.grad()[0][2].item<double>(), 0.0, 1e-12);
}

TEST(Keypoints3d, PelvisCentredAndSamplesWithoutHipsIgnored) {
  const auto pred = torch::randn({2, 24, 3}, kDouble);
  auto target = torch::cat({pred + 3.0, torch::ones({2, 24, 1}, kDouble)}, 2);
  EXPECT_NEAR(keypoints_3d_loss(pred, target).item<double>(), 0.0, 1e-24);
  target[1][0][0] += 1.0;
  EXPECT_NEAR(keypoints_3d_loss(pred, target).item<double>(), 1.0 / 144, 1e-12);
  target[1][3][3] = 0.0;  // left hip missing: sample 1 has no pelvis
  EXPECT_NEAR(keypoints_3d_loss(pred, target).item<double>(), 0.0, 1e-24);
  const auto centred = pelvis_centred(pred);
  EXPECT_TRUE(torch::allclose(centred.select(1, 2) + centred.select(1, 3),
                              torch::zeros({2, 3}, kDouble), 0, 1e-12));
}

TEST(Keypoints2d, ConfidenceWeightedMeanOverAllKeypoints) {
  const auto pred = torch::zeros({1, 2, 2}, kDouble);
  const auto target = torch::tensor({{{1.0, 0.0, 0.5}, {3.0, 3.0, 0.0}}}, kDouble);
  EXPECT_NEAR(keypoints_2d_loss(pred, target).item<double>(), 0.5 * 1.0 / 4, 1e-12);
}

TEST(SupervisedLoss, RejectsWrongShapes) {
  auto p = prediction(2);
  auto t = targets_of(p);
  EXPECT_THROW(supervised_loss(p.rotmats, p.betas.narrow(1, 0, 9), p.cam, p.keypoints3d, t),
               motioncue::Error);
  t.keypoints3d = t.keypoints3d.narrow(2, 0, 3);
  EXPECT_THROW(supervised_loss(p.rotmats, p.betas, p.cam, p.keypoints3d, t), motioncue::Error);
}

}  // namespace

// SPIN's prior where it is finite; beyond s = -2 a straight continuation that stays finite and
// keeps pushing the scale up (a random network starts there; see camera_prior).
TEST(SupervisedLoss, CameraPriorIsSpinsAndStaysFiniteForNegativeScales) {
  const auto s = torch::tensor({1.0, 0.1, -0.5, -1.9}, torch::kDouble);
  EXPECT_TRUE(
      torch::allclose(motioncue::losses::camera_prior(s), (-10.0 * s).exp().pow(2), 1e-12, 0));
  const auto far = torch::tensor({-2.5, -10.0, -1000.0}, torch::kFloat).requires_grad_();
  const auto value = motioncue::losses::camera_prior(far);
  value.sum().backward();
  EXPECT_TRUE(torch::isfinite(value).all().item<bool>());
  EXPECT_TRUE((far.grad() < 0).all().item<bool>());  // descent raises the scale
  EXPECT_GT(value[2].item<double>(), value[1].item<double>());
}
