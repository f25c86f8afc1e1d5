#include <gtest/gtest.h>

#include <torch/torch.h>

#include "../support/default_body.h"
#include "motioncue/body/body_model.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/temporal/sequence_optimiser.h"
#include "motioncue/temporal/smoothing.h"

namespace mm = motioncue::model;
namespace mt = motioncue::temporal;

namespace {

// A jittery toy sequence: a slow knee bend with noise on every joint.
mm::Prediction toy_sequence(int64_t t_count) {
  auto aa = torch::zeros({t_count, 24, 3});
  aa.select(1, 0).select(1, 0).fill_(M_PI);
  aa.select(1, 4).select(1, 0).copy_(torch::linspace(0.0, 0.6, t_count));
  aa.slice(1, 1) += torch::randn({t_count, 23, 3}) * 0.05;
  mm::Prediction p;
  p.rotmats = motioncue::body::axis_angle_to_matrix(aa);
  p.pose6d = motioncue::body::matrix_to_rot6d(p.rotmats).reshape({t_count, 144});
  p.betas = torch::zeros({t_count, 10});
  p.cam = torch::tensor({0.9f, 0.f, 0.f}).repeat({t_count, 1});
  return p;
}

}  // namespace

TEST(SequenceOptimiser, LowersItsObjectiveAndSmoothsTheJoints) {
  torch::manual_seed(30);
  auto init = toy_sequence(8);
  mt::SequenceOptimiserOptions options;
  options.iterations = 30;
  auto result =
      mt::optimise_sequence(motioncue::testing::default_body_model(), init, {}, {}, options);
  ASSERT_EQ(result.objective.size(), 31u);
  EXPECT_LT(result.objective.back(), 0.5 * result.objective.front());
  auto before =
      motioncue::testing::default_body_model().forward(init.rotmats, init.betas).keypoints;
  auto after = motioncue::testing::default_body_model()
                   .forward(result.prediction.rotmats, result.prediction.betas)
                   .keypoints;
  EXPECT_LT(mt::smoothness_term(after).item<double>(),
            0.5 * mt::smoothness_term(before).item<double>());
}

TEST(SequenceOptimiser, WithFlowsTheObjectiveStillFalls) {
  torch::manual_seed(31);
  const int64_t t_count = 4;
  auto init = toy_sequence(t_count);
  mt::SequenceOptimiserOptions options;
  options.iterations = 10;
  options.flow.resolution = 64;
  auto flow = torch::zeros({t_count - 1, 2, 64, 64});
  auto result =
      mt::optimise_sequence(motioncue::testing::default_body_model(), init, flow, flow, options);
  EXPECT_LT(result.objective.back(), result.objective.front());
  EXPECT_THROW(mt::optimise_sequence(motioncue::testing::default_body_model(), init,
                                     flow.slice(0, 0, 2), flow.slice(0, 0, 2), options),
               motioncue::Error);
}

TEST(SequenceOptimiser, ZeroIterationsReturnsTheInitialSequence) {
  auto init = toy_sequence(3);
  mt::SequenceOptimiserOptions options;
  options.iterations = 0;
  auto result =
      mt::optimise_sequence(motioncue::testing::default_body_model(), init, {}, {}, options);
  EXPECT_TRUE(torch::allclose(result.prediction.pose6d, init.pose6d));
  EXPECT_TRUE(torch::allclose(result.prediction.rotmats, init.rotmats, 0, 1e-5));
}
