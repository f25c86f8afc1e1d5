#include <gtest/gtest.h>

#include <torch/torch.h>

#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/data/sequence_loader.h"
#include "motioncue/temporal/smoothing.h"

namespace mm = motioncue::model;
namespace mt = motioncue::temporal;

namespace {

// T x 4 x 3 points moving with constant velocity from random starts.
at::Tensor constant_velocity(int64_t t_count) {
  auto start = torch::randn({1, 4, 3}, torch::kDouble);
  auto velocity = torch::randn({1, 4, 3}, torch::kDouble) * 0.1;
  auto t = torch::arange(t_count, torch::kDouble).reshape({t_count, 1, 1});
  return start + t * velocity;
}

double jitter(const at::Tensor& x) { return mt::smoothness_term(x).item<double>(); }

}  // namespace

TEST(SmoothnessTerm, ZeroOnConstantVelocityPositiveOnJitter) {
  torch::manual_seed(20);
  auto x = constant_velocity(10);
  EXPECT_NEAR(jitter(x), 0.0, 1e-20);
  auto noisy = x.clone();
  noisy[4][1][2] += 0.5;
  // One displaced point: frames 3, 4, 5 see 0.25^2, 0.5^2, 0.25^2, averaged over 8 triples.
  EXPECT_NEAR(jitter(noisy), (0.0625 + 0.25 + 0.0625) / 8, 1e-12);
  EXPECT_EQ(jitter(x.slice(0, 0, 2)), 0.0);
}

TEST(SmoothnessTerm, GradientPullsTowardsTheNeighboursAverage) {
  auto x = torch::tensor({0.0, 2.0, 0.0}, torch::kDouble).unsqueeze(1).requires_grad_(true);
  mt::smoothness_term(x).backward();
  EXPECT_GT(x.grad()[1].item<double>(), 0.0);
  EXPECT_LT(x.grad()[0].item<double>(), 0.0);
}

TEST(OneEuro, TrendFilterIsTheIdentityOnConstantVelocity) {
  torch::manual_seed(21);
  auto x = constant_velocity(30);
  mt::OneEuroOptions options;
  options.min_cutoff = 0.5;
  options.beta = 0.3;
  auto y = mt::one_euro_sequence(x, options, 30.0);
  EXPECT_TRUE(torch::allclose(y, x, 0, 1e-12));
  // Casiez's original low-pass lags behind the same motion (why the trend mode exists).
  options.trend = false;
  EXPECT_FALSE(torch::allclose(mt::one_euro_sequence(x, options, 30.0), x, 0, 1e-3));
}

TEST(OneEuro, SmoothsJitterAndAFasterCutoffSmoothsLess) {
  torch::manual_seed(22);
  auto x = constant_velocity(200) + torch::randn({200, 4, 3}, torch::kDouble) * 0.01;
  mt::OneEuroOptions slow, fast;
  slow.min_cutoff = 1.0;
  fast.min_cutoff = 10.0;
  const double raw = jitter(x);
  const double smooth = jitter(mt::one_euro_sequence(x, slow, 30.0));
  const double light = jitter(mt::one_euro_sequence(x, fast, 30.0));
  EXPECT_LT(smooth, 0.5 * raw);
  EXPECT_LT(smooth, light);
  EXPECT_LT(light, raw);
}

TEST(OneEuro, RejectsBadOptions) {
  mt::OneEuroOptions o;
  o.min_cutoff = 0;
  EXPECT_THROW(mt::OneEuroFilter(o, 30.0), motioncue::Error);
  EXPECT_THROW(mt::OneEuroFilter(mt::OneEuroOptions{}, 0.0), motioncue::Error);
}

TEST(OneEuro, FilteredPredictorRestartsPerSequenceAndKeepsRotationsValid) {
  torch::manual_seed(23);
  // Sequence 0 moves with constant velocity in camera and betas (unchanged by the filter);
  // sequence 1 starts far away: without a restart the filter would drag it.
  const int64_t n = 6;
  mm::Prediction p;
  auto aa = torch::randn({n, 24, 3}) * 0.3;
  p.rotmats = motioncue::body::axis_angle_to_matrix(aa);
  p.pose6d = motioncue::body::matrix_to_rot6d(p.rotmats).reshape({n, 144});
  auto t = torch::arange(n, torch::kFloat).unsqueeze(1);
  p.betas = t * 0.1 + torch::zeros({1, 10});
  p.cam = t * torch::tensor({{0.01f, 0.02f, -0.01f}}) + torch::tensor({{0.9f, 0.f, 0.f}});
  p.cam[3] = torch::tensor({5.f, 5.f, 5.f});
  p.cam[4] = torch::tensor({5.f, 5.f, 5.f});
  p.cam[5] = torch::tensor({5.f, 5.f, 5.f});
  auto inner = [p](const motioncue::data::FrameBatch&) { return p; };
  mt::OneEuroOptions options;
  auto predictor = mt::filtered_predictor(inner, options, 30.0);
  motioncue::data::FrameBatch batch;
  batch.seq = {0, 0, 0, 1, 1, 1};
  batch.frame = {0, 1, 2, 0, 1, 2};
  auto out = predictor(batch);
  EXPECT_TRUE(torch::allclose(out.cam, p.cam, 0, 1e-5));
  EXPECT_TRUE(torch::allclose(out.betas, p.betas, 0, 1e-5));
  // Rotations rebuilt from the filtered 6D: orthonormal.
  auto rtr = torch::matmul(out.rotmats.transpose(-1, -2), out.rotmats);
  EXPECT_TRUE(torch::allclose(rtr, torch::eye(3).expand_as(rtr), 0, 1e-5));
}
