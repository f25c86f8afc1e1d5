#include <gtest/gtest.h>
#include <torch/torch.h>

#include <ATen/Parallel.h>

#include "../support/default_body.h"
#include "../support/error_text.h"
#include "../support/temp_dir.h"
#include "model_files.h"
#include "motioncue/body/body_model.h"
#include "motioncue/body/rotations.h"
#include "motioncue/body/skinning.h"

namespace b = motioncue::body;
namespace t = motioncue::testing;

namespace {

// Weights like a body's: every vertex on 1 to 4 of 24 joints, rows summing to 1.
torch::Tensor sparse_weights(int64_t v, torch::ScalarType dtype) {
  auto w = torch::rand({v, 24}, dtype);
  const auto keep = torch::randint(1, 5, {v, 1});
  const auto order = std::get<1>(w.sort(1, /*descending=*/true));
  const auto rank = std::get<1>(order.sort(1));
  w = w * (rank < keep).to(dtype);
  return w / w.sum(1, true);
}

struct Problem {
  torch::Tensor transforms, points, weights;
};

Problem random_problem(int64_t n, int64_t v, torch::ScalarType dtype) {
  torch::manual_seed(3);
  auto r = b::axis_angle_to_matrix(torch::randn({n, 24, 3}, dtype));
  auto transforms = torch::cat({r, torch::randn({n, 24, 3, 1}, dtype)}, 3);
  return {transforms, torch::randn({n, v, 3}, dtype), sparse_weights(v, dtype)};
}

// Value and gradients of sum(skin(transforms, points) * g).
std::vector<torch::Tensor> skin_with_gradients(const Problem& p, bool dense) {
  auto transforms = p.transforms.clone().requires_grad_(true);
  auto points = p.points.clone().requires_grad_(true);
  auto out = dense
                 ? b::blend_skinning_dense(transforms, points, p.weights)
                 : b::blend_skinning(transforms, points, b::SkinningWeights::from_dense(p.weights));
  torch::manual_seed(9);
  (out * torch::randn_like(out)).sum().backward();
  return {out.detach(), transforms.grad(), points.grad()};
}

double max_relative(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / b.abs().max()).item<double>();
}

}  // namespace

TEST(Skinning, SparseWeightsKeepEveryNonZeroWeight) {
  auto dense = torch::zeros({3, 24}, torch::kDouble);
  dense[0][5] = 1.0;
  dense[1][2] = 0.25;
  dense[1][7] = 0.75;
  const auto w = b::SkinningWeights::from_dense(dense);
  ASSERT_EQ(w.joints.sizes(), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(w.joints[0][0].item<int64_t>(), 5);
  EXPECT_EQ(w.joints[1][0].item<int64_t>(), 7);
  EXPECT_EQ(w.joints[1][1].item<int64_t>(), 2);
  // Padding and a vertex without joints point at joint 0 with weight 0.
  EXPECT_EQ(w.joints[0][1].item<int64_t>(), 0);
  EXPECT_EQ(w.weights[0][1].item<double>(), 0.0);
  EXPECT_EQ(w.weights[2].abs().sum().item<double>(), 0.0);
}

TEST(Skinning, CpuKernelMatchesTheDenseProductWithGradients) {
  for (const auto dtype : {torch::kDouble, torch::kFloat}) {
    for (const int64_t n : {1, 3}) {
      const auto p = random_problem(n, 1500, dtype);
      const auto kernel = skin_with_gradients(p, false);
      const auto dense = skin_with_gradients(p, true);
      const double tolerance = dtype == torch::kDouble ? 1e-13 : 1e-5;
      for (std::size_t i = 0; i < kernel.size(); ++i) {
        EXPECT_LT(max_relative(kernel[i], dense[i]), tolerance) << "output " << i << " n " << n;
      }
    }
  }
}

TEST(Skinning, CpuKernelGivesTheSameBitsOnOneAndTwoThreads) {
  const auto p = random_problem(5, 3000, torch::kFloat);
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const auto one = skin_with_gradients(p, false);
  at::set_num_threads(2);
  const auto two = skin_with_gradients(p, false);
  at::set_num_threads(threads);
  for (std::size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(torch::equal(one[i], two[i])) << i;
}

TEST(Skinning, SecondDerivativeThroughTheKernelIsAClearError) {
  const auto p = random_problem(1, 10, torch::kDouble);
  auto points = p.points.clone().requires_grad_(true);
  auto out = b::blend_skinning(p.transforms, points, b::SkinningWeights::from_dense(p.weights));
  const auto text =
      t::error_of([&] { torch::autograd::grad({out.pow(2).sum()}, {points}, {}, true, true); });
  EXPECT_NE(text.find("second derivative"), std::string::npos) << text;
}

TEST(Skinning, WrongShapesNameTheArgument) {
  const auto p = random_problem(2, 10, torch::kFloat);
  const auto w = b::SkinningWeights::from_dense(p.weights);
  EXPECT_NE(t::error_of([&] {
              b::blend_skinning(p.transforms.narrow(1, 0, 3), p.points, w);
            }).find("transforms"),
            std::string::npos);
  EXPECT_NE(t::error_of([&] {
              b::blend_skinning(p.transforms, p.points.narrow(1, 0, 4), w);
            }).find("points"),
            std::string::npos);
}

// keypoints() contracts the regressor with the skinning weights ahead of time; it must give the
// keypoints of the posed vertices, with pose blend shapes and fewer betas than the model has.
TEST(Skinning, KeypointsWithoutVerticesMatchTheRegressedMesh) {
  t::TempDir dir;
  motioncue::write_npz(dir / "smpl.npz", t::smpl_layout_model(5), false);
  auto model = b::BodyModel::load(dir / "smpl.npz");
  model.to(torch::kCPU, torch::kDouble);
  torch::manual_seed(1);
  const auto rotmats = b::axis_angle_to_matrix(torch::randn({3, 24, 3}, torch::kDouble) * 0.5);
  for (const int64_t nb : {10, 4, 0}) {
    const auto betas = torch::randn({3, nb}, torch::kDouble);
    const auto out = model.forward(rotmats, betas);
    const auto regressed = torch::matmul(model.keypoint_regressor(), out.vertices);
    EXPECT_LT(max_relative(model.keypoints(rotmats, betas), regressed), 1e-12) << nb;
    EXPECT_LT(max_relative(out.keypoints, regressed), 1e-12) << nb;
  }
}

TEST(Skinning, KeypointGradientsMatchTheRegressedMeshOnTheBuiltInModel) {
  auto model = t::default_body_model();
  model.to(torch::kCPU, torch::kDouble);
  torch::manual_seed(2);
  const auto r0 = b::axis_angle_to_matrix(torch::randn({4, 24, 3}, torch::kDouble) * 0.4);
  const auto b0 = torch::randn({4, 10}, torch::kDouble);
  const auto g = torch::randn({4, 24, 3}, torch::kDouble);
  auto r1 = r0.clone().requires_grad_(true), b1 = b0.clone().requires_grad_(true);
  (model.keypoints(r1, b1) * g).sum().backward();
  auto r2 = r0.clone().requires_grad_(true), b2 = b0.clone().requires_grad_(true);
  (torch::matmul(model.keypoint_regressor(), model.forward(r2, b2).vertices) * g).sum().backward();
  EXPECT_LT(max_relative(r1.grad(), r2.grad()), 1e-12);
  EXPECT_LT(max_relative(b1.grad(), b2.grad()), 1e-12);
}
