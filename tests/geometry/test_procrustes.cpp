#include <gtest/gtest.h>

#include <torch/torch.h>

#include "motioncue/core/error.h"
#include "motioncue/geometry/procrustes.h"

namespace g = motioncue::geometry;

namespace {

at::Tensor random_rotations(int64_t n) {
  // QR of a Gaussian matrix, sign-fixed to a proper rotation.
  auto q = std::get<0>(torch::linalg_qr(torch::randn({n, 3, 3}, torch::kFloat64)));
  const auto det = torch::linalg_det(q);
  q.select(2, 0).mul_(det.sign().unsqueeze(1));
  return q;
}

double mean_error(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).norm(2, 2).mean().item<double>();
}

}  // namespace

TEST(Procrustes, RecoversASimilarityTransformExactly) {
  torch::manual_seed(1);
  const auto x = torch::randn({4, 14, 3}, torch::kFloat64);
  const auto r = random_rotations(4);
  const auto scale = torch::rand({4, 1, 1}, torch::kFloat64) * 3 + 0.2;
  const auto t = torch::randn({4, 1, 3}, torch::kFloat64) * 5;
  const auto y = scale * torch::matmul(x, r.transpose(1, 2)) + t;
  const auto aligned = g::procrustes_align(x, y);
  EXPECT_LT(mean_error(aligned, y), 1e-10);
  // float input: same result to float precision, float out
  const auto af = g::procrustes_align(x.to(torch::kFloat32), y.to(torch::kFloat32));
  EXPECT_EQ(af.scalar_type(), torch::kFloat32);
  EXPECT_LT(mean_error(af.to(torch::kFloat64), y), 1e-4);
}

TEST(Procrustes, NeverReflects) {
  torch::manual_seed(2);
  const auto x = torch::randn({3, 14, 3}, torch::kFloat64);
  auto mirror = torch::eye(3, torch::kFloat64);
  mirror[0][0] = -1;
  const auto r = random_rotations(3);
  // Y is a mirrored copy of X, then a similarity: the best *reflection* would fit it exactly.
  const auto y = 1.7 * torch::matmul(torch::matmul(x, mirror), r.transpose(1, 2)) + 0.3;
  const auto aligned = g::procrustes_align(x, y);
  // The map from X to aligned is linear after centring; its determinant must be positive.
  const auto x0 = x - x.mean(1, true), a0 = aligned - aligned.mean(1, true);
  const auto map = std::get<0>(torch::linalg_lstsq(x0, a0));  // a0 = x0 * map
  EXPECT_TRUE((torch::linalg_det(map) > 0).all().item<bool>());
  EXPECT_GT(mean_error(aligned, y), 0.1);  // a proper rotation cannot fit a mirror image
  // and it is the best proper similarity: no random rotation (with its best scale) does better
  for (int64_t n = 0; n < 3; ++n) {
    const double ours = (aligned[n] - y[n]).pow(2).sum().item<double>();
    const auto y0 = y[n] - y[n].mean(0, true);
    const auto xn = x0[n];
    const auto cands = random_rotations(2000);
    const auto rx = torch::matmul(xn.unsqueeze(0), cands.transpose(1, 2));  // C x K x 3
    // (a negative scale would be a reflection: -R has determinant -1)
    const auto best_s = ((rx * y0).sum({1, 2}) / rx.pow(2).sum({1, 2})).clamp_min(0);
    const auto err = (best_s.view({-1, 1, 1}) * rx - y0).pow(2).sum({1, 2});
    EXPECT_LE(ours, err.min().item<double>() + 1e-9);
  }
}

TEST(Procrustes, DegenerateAndBadInput) {
  const auto same = torch::ones({1, 5, 3}, torch::kFloat64);
  const auto y = torch::randn({1, 5, 3}, torch::kFloat64);
  const auto a = g::procrustes_align(same, y);
  EXPECT_TRUE(torch::isfinite(a).all().item<bool>());
  EXPECT_TRUE(torch::allclose(a, y.mean(1, true).expand_as(a)));
  EXPECT_THROW(g::procrustes_align(y, torch::randn({1, 4, 3})), motioncue::Error);
  EXPECT_THROW(g::procrustes_align(torch::randn({5, 3}), torch::randn({5, 3})), motioncue::Error);
}

TEST(Procrustes, RotationOnlyFitsARotationAboutTheOriginButNoScaleOrShift) {
  torch::manual_seed(3);
  const auto x = torch::randn({4, 14, 3}, torch::kFloat64);
  const auto r = random_rotations(4);
  const auto y = torch::matmul(x, r.transpose(1, 2));
  EXPECT_LT(mean_error(g::procrustes_align(x, y, g::kRotationOnly), y), 1e-10);
  // A scaled copy keeps its scale error, a shifted one its shift: neither is removed.
  const auto scaled = 1.5 * y;
  const auto a = g::procrustes_align(x, scaled, g::kRotationOnly);
  EXPECT_LT(mean_error(a, y), 1e-10);  // the best rotation is still r, at unit scale
  EXPECT_GT(mean_error(a, scaled), 0.1);
  const auto shifted = y + torch::tensor({0.0, 0.0, 10.0}, torch::kFloat64);
  EXPECT_GT(mean_error(g::procrustes_align(x, shifted, g::kRotationOnly), shifted), 1.0);
  // Never a reflection: a mirror image about the origin is not fitted exactly.
  auto mirror = torch::eye(3, torch::kFloat64);
  mirror[0][0] = -1;
  const auto mirrored = torch::matmul(y, mirror);
  const auto m = g::procrustes_align(x, mirrored, g::kRotationOnly);
  const auto map = std::get<0>(torch::linalg_lstsq(x, m));  // m = x * map
  EXPECT_TRUE((torch::linalg_det(map) > 0).all().item<bool>());
  EXPECT_GT(mean_error(m, mirrored), 0.1);
  // Scale alone (no translation) and translation alone (no scale) are the other two variants.
  EXPECT_LT(mean_error(g::procrustes_align(x, scaled, {true, false}), scaled), 1e-10);
  EXPECT_LT(mean_error(g::procrustes_align(x, shifted, {false, true}), shifted), 1e-10);
}
