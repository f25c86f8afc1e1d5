#include <gtest/gtest.h>
#include <torch/torch.h>

#include "../support/test_values.h"
#include "grad_check.h"
#include "motioncue/core/error.h"
#include "motioncue/losses/texture_consistency.h"

namespace {

using motioncue::losses::texture_consistency_loss;

using motioncue::testing::kDouble;

TEST(TextureConsistency, ZeroWhenTheColoursAgree) {
  // Frame 2 is frame 1 moved by whole pixels; the vertices move with it.
  torch::manual_seed(4);
  const auto image1 = torch::rand({2, 3, 40, 40}, kDouble);
  const auto image2 = torch::roll(image1, {3, -2}, {3, 2});  // x + 3, y - 2
  const auto p1 = torch::rand({2, 30, 2}, kDouble) * 25 + 7;
  const auto p2 = p1 + torch::tensor({3.0, -2.0}, kDouble);
  const auto mask = torch::rand({2, 30}) > 0.5;
  const auto terms = texture_consistency_loss(image1, image2, p1, p2, mask);
  EXPECT_NEAR(terms.loss.item<double>(), 0.0, 1e-24);
  EXPECT_GT(texture_consistency_loss(image1, image2, p1, p1, mask).loss.item<double>(), 1e-3);
}

TEST(TextureConsistency, HandComputedValueAndPairsWithoutVisibleVertices) {
  auto image1 = torch::zeros({2, 3, 8, 8}, kDouble);
  auto image2 = torch::zeros({2, 3, 8, 8}, kDouble);
  for (int c = 0; c < 3; ++c) {
    image1.select(1, c).fill_(std::vector<double>{0.2, 0.4, 0.6}[c]);
    image2.select(1, c).fill_(std::vector<double>{0.3, 0.4, 0.2}[c]);
  }
  const auto p = torch::full({2, 4, 2}, 4.2, kDouble);
  auto mask = torch::zeros({2, 4}, torch::kBool);
  mask[0][1] = true;
  mask[0][3] = true;
  const auto terms = texture_consistency_loss(image1, image2, p, p, mask);
  // 0.1^2 + 0 + 0.4^2 per visible vertex; pair 1 has none and is not averaged in.
  EXPECT_NEAR(terms.loss.item<double>(), 0.17, 1e-12);
  EXPECT_NEAR(terms.mean_visible_fraction, 2.0 / 8, 1e-12);
}

TEST(TextureConsistency, EmptyMaskGivesZeroWithoutNaN) {
  auto p1 = (torch::rand({1, 5, 2}, kDouble) * 8).requires_grad_(true);
  const auto image = torch::rand({1, 3, 8, 8}, kDouble);
  const auto terms = texture_consistency_loss(image, image * 2, p1, p1.detach() + 1,
                                              torch::zeros({1, 5}, torch::kBool));
  EXPECT_EQ(terms.loss.item<double>(), 0.0);
  terms.loss.backward();
  EXPECT_TRUE(torch::isfinite(p1.grad()).all().item<bool>());
}

TEST(TextureConsistency, GradientsMatchFiniteDifferences) {
  torch::manual_seed(8);
  const auto image1 =
      torch::upsample_bilinear2d(torch::rand({1, 3, 5, 5}, kDouble), {32, 32}, false);
  const auto image2 =
      torch::upsample_bilinear2d(torch::rand({1, 3, 5, 5}, kDouble), {32, 32}, false);
  const auto p1 = torch::randint(3, 28, {1, 10, 2}, kDouble) + 0.5 +
                  torch::rand({1, 10, 2}, kDouble) * 0.6 + 0.2;
  const auto p2 = torch::randint(3, 28, {1, 10, 2}, kDouble) + 0.5 +
                  torch::rand({1, 10, 2}, kDouble) * 0.6 + 0.2;
  const auto mask = torch::ones({1, 10}, torch::kBool);
  const double err = motioncue::testing::max_gradient_error(
      [&](const std::vector<at::Tensor>& in) {
        return texture_consistency_loss(image1, image2, in[0], in[1], mask).loss;
      },
      {p1, p2});
  EXPECT_LT(err, 1e-7);
}

TEST(TextureConsistency, RejectsMismatchedImages) {
  const auto p = torch::zeros({1, 3, 2});
  const auto m = torch::ones({1, 3}, torch::kBool);
  EXPECT_THROW(
      texture_consistency_loss(torch::zeros({1, 3, 8, 8}), torch::zeros({1, 3, 8, 9}), p, p, m),
      motioncue::Error);
}

}  // namespace
