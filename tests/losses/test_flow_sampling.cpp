#include <gtest/gtest.h>
#include <torch/torch.h>

#include "grad_check.h"
#include "motioncue/core/error.h"
#include "motioncue/losses/flow_sampling.h"

namespace {

using motioncue::losses::sample_at_pixels;
using motioncue::losses::sample_flow;

// A 1 x 2 x 3 x 4 flow with distinct values: channel c, row i, column j -> 100 c + 10 i + j.
at::Tensor numbered_flow() {
  auto f = torch::zeros({1, 2, 3, 4}, torch::kFloat64);
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 4; ++j) f[0][c][i][j] = 100.0 * c + 10.0 * i + j;
  return f;
}

double value(int c, int i, int j) { return 100.0 * c + 10.0 * i + j; }

at::Tensor positions(std::vector<std::pair<double, double>> xy) {
  auto p = torch::zeros({1, static_cast<int64_t>(xy.size()), 2}, torch::kFloat64);
  for (size_t k = 0; k < xy.size(); ++k) {
    p[0][k][0] = xy[k].first;
    p[0][k][1] = xy[k].second;
  }
  return p;
}

TEST(SampleFlow, PixelCentresGiveThePixelValue) {
  const auto out = sample_flow(numbered_flow(), positions({{0.5, 0.5}, {3.5, 2.5}, {2.5, 1.5}}));
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{1, 3, 2}));
  for (int c = 0; c < 2; ++c) {
    EXPECT_NEAR(out[0][0][c].item<double>(), value(c, 0, 0), 1e-12);
    EXPECT_NEAR(out[0][1][c].item<double>(), value(c, 2, 3), 1e-12);
    EXPECT_NEAR(out[0][2][c].item<double>(), value(c, 1, 2), 1e-12);
  }
}

TEST(SampleFlow, MatchesHandComputedBilinearValues) {
  // (1.25, 1.75): between the centres of columns 0 and 1 (x weight 0.75 on column 1) and rows 1
  // and 2 (y weight 0.25 on row 2).
  const auto out = sample_flow(numbered_flow(), positions({{1.25, 1.75}, {2.0, 0.5}}));
  for (int c = 0; c < 2; ++c) {
    const double expected = 0.75 * (0.25 * value(c, 1, 0) + 0.75 * value(c, 1, 1)) +
                            0.25 * (0.25 * value(c, 2, 0) + 0.75 * value(c, 2, 1));
    EXPECT_NEAR(out[0][0][c].item<double>(), expected, 1e-12);
    EXPECT_NEAR(out[0][1][c].item<double>(), 0.5 * (value(c, 0, 1) + value(c, 0, 2)), 1e-12);
  }
}

TEST(SampleFlow, ZeroOutsideTheImageAndFadingInTheHalfPixelBorder) {
  const auto out = sample_flow(
      numbered_flow(),
      positions({{-0.6, 1.5}, {4.6, 1.5}, {1.5, -3.0}, {1.5, 3.6}, {100.0, -100.0}, {0.0, 1.5}}));
  for (int k = 0; k < 5; ++k)
    for (int c = 0; c < 2; ++c) EXPECT_EQ(out[0][k][c].item<double>(), 0.0) << k;
  // On the image edge, half way between the first pixel centre and the zero border.
  for (int c = 0; c < 2; ++c) EXPECT_NEAR(out[0][5][c].item<double>(), 0.5 * value(c, 1, 0), 1e-12);
}

TEST(SampleFlow, BatchesAreSampledFromTheirOwnField) {
  auto flow = torch::zeros({2, 2, 4, 4}, torch::kFloat32);
  flow[0].fill_(1.0);
  flow[1].fill_(-3.0);
  const auto p = torch::full({2, 5, 2}, 2.2, torch::kFloat32);
  const auto out = sample_flow(flow, p);
  EXPECT_TRUE(torch::allclose(out[0], torch::full({5, 2}, 1.0)));
  EXPECT_TRUE(torch::allclose(out[1], torch::full({5, 2}, -3.0)));
  EXPECT_EQ(out.scalar_type(), torch::kFloat32);
}

TEST(SampleFlow, GradientOfARampIsItsSlope) {
  // A field linear in x and y inside the image: f = 2 x - 3 y at the pixel centres.
  const int64_t h = 6, w = 8;
  const auto xs = torch::arange(w, torch::kFloat64) + 0.5;
  const auto ys = torch::arange(h, torch::kFloat64) + 0.5;
  const auto ramp = 2.0 * xs.view({1, w}) - 3.0 * ys.view({h, 1});
  const auto field = torch::stack({ramp, ramp}).unsqueeze(0);  // 1 x 2 x h x w
  auto p = positions({{2.3, 3.1}, {5.7, 1.2}}).requires_grad_(true);
  const auto out = sample_flow(field, p);
  EXPECT_NEAR(out[0][0][0].item<double>(), 2 * 2.3 - 3 * 3.1, 1e-12);
  out.select(2, 0).sum().backward();
  EXPECT_NEAR(p.grad()[0][0][0].item<double>(), 2.0, 1e-12);
  EXPECT_NEAR(p.grad()[0][0][1].item<double>(), -3.0, 1e-12);
  EXPECT_NEAR(p.grad()[0][1][0].item<double>(), 2.0, 1e-12);
}

TEST(SampleFlow, GradientsMatchFiniteDifferences) {
  torch::manual_seed(3);
  const auto field = torch::randn({2, 2, 5, 7}, torch::kFloat64);
  // Away from the pixel-centre lines (x = j + 0.5), where bilinear interpolation has kinks.
  auto p = torch::rand({2, 6, 2}, torch::kFloat64) * 0.6 + 0.7;
  p = p + torch::randint(0, 4, {2, 6, 2}, torch::kFloat64);
  const double err = motioncue::testing::max_gradient_error(
      [](const std::vector<at::Tensor>& in) {
        return (sample_flow(in[0], in[1]) * torch::linspace(0.5, 2.0, 2, torch::kFloat64)).sum();
      },
      {field, p});
  EXPECT_LT(err, 1e-7);
}

TEST(SampleFlow, SamplesAnyNumberOfChannels) {
  const auto image = torch::arange(3 * 2 * 2, torch::kFloat64).view({1, 3, 2, 2});
  const auto out = sample_at_pixels(image, positions({{1.5, 0.5}}));
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{1, 1, 3}));
  EXPECT_EQ(out[0][0][2].item<double>(), 9.0);
}

TEST(SampleFlow, RejectsWrongShapes) {
  EXPECT_THROW(sample_flow(torch::zeros({1, 3, 4, 4}), torch::zeros({1, 2, 2})), motioncue::Error);
  EXPECT_THROW(sample_flow(torch::zeros({1, 2, 4, 4}), torch::zeros({2, 2, 2})), motioncue::Error);
  EXPECT_THROW(sample_flow(torch::zeros({1, 2, 4, 4}), torch::zeros({1, 2, 3})), motioncue::Error);
}

}  // namespace
