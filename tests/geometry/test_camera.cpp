#include <gtest/gtest.h>

#include <torch/torch.h>

#include <cmath>
#include <random>

#include "motioncue/core/error.h"
#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/rasterizer.h"

namespace g = motioncue::geometry;

TEST(Camera, WeakPerspectiveFollowsTheCropConvention) {
  // s = 1, t = 0: model (-1, -1) is the crop's corner (pixel edge 0), (0, 0) its middle.
  const auto f64 = torch::dtype(torch::kFloat64);
  const auto pts = torch::tensor({{{-1.0, -1.0, 0.3}, {0.0, 0.0, -0.2}, {1.0, 1.0, 0.0}}}, f64);
  const auto cam = torch::tensor({{1.0, 0.0, 0.0}}, f64);
  const auto uv = g::weak_perspective_project(pts, cam, 224);
  EXPECT_TRUE(
      torch::allclose(uv, torch::tensor({{{0.0, 0.0}, {112.0, 112.0}, {224.0, 224.0}}}, f64)));
  // s and t: p = s * X + t
  const auto cam2 = torch::tensor({{0.5, 0.2, -0.4}}, f64);
  const auto uv2 = g::weak_perspective_project(pts, cam2, 100);
  EXPECT_NEAR(uv2[0][0][0].item<double>(), (0.5 * -1 + 0.2 + 1) / 2 * 100, 1e-9);
  EXPECT_NEAR(uv2[0][0][1].item<double>(), (0.5 * -1 - 0.4 + 1) / 2 * 100, 1e-9);
  const auto screen = g::weak_perspective_screen(pts, cam2, 100);
  ASSERT_EQ(screen.sizes(), (std::vector<int64_t>{1, 3, 3}));
  EXPECT_TRUE(torch::allclose(screen.narrow(2, 0, 2), uv2));
  EXPECT_TRUE(torch::allclose(screen.select(2, 2), pts.select(2, 2)));
  EXPECT_THROW(g::weak_perspective_project(pts, torch::ones({2, 3}, f64), 10), motioncue::Error);
  EXPECT_THROW(g::weak_perspective_project(pts.select(2, 0), cam, 10), motioncue::Error);
}

TEST(Camera, WeakPerspectiveGradientMatchesFiniteDifferences) {
  torch::manual_seed(0);
  auto pts = torch::randn({2, 4, 3}, torch::kFloat64).requires_grad_(true);
  auto cam = (torch::rand({2, 3}, torch::kFloat64) + 0.5).requires_grad_(true);
  const auto weights = torch::randn({2, 4, 2}, torch::kFloat64);
  auto loss = [&](const at::Tensor& p, const at::Tensor& c) {
    return (g::weak_perspective_project(p, c, 224) * weights).sum();
  };
  const auto grads = torch::autograd::grad({loss(pts, cam)}, {pts, cam});
  const double h = 1e-6;
  for (int which = 0; which < 2; ++which) {
    const auto base = (which == 0 ? pts : cam).detach();
    const auto flat_grad = grads[which].reshape(-1);
    for (int64_t i = 0; i < base.numel(); ++i) {
      auto plus = base.clone(), minus = base.clone();
      plus.view(-1)[i] += h;
      minus.view(-1)[i] -= h;
      const double fd =
          which == 0
              ? (loss(plus, cam.detach()) - loss(minus, cam.detach())).item<double>() / (2 * h)
              : (loss(pts.detach(), plus) - loss(pts.detach(), minus)).item<double>() / (2 * h);
      EXPECT_NEAR(flat_grad[i].item<double>(), fd, 1e-5 * (1 + std::abs(fd)));
    }
  }
}

TEST(Camera, PerspectiveProjectMatchesThePlainVersionAndIsDifferentiable) {
  g::PinholeCamera cam{500, 480, 320, 240};
  const double a = 0.3;
  cam.R = cv::Matx33d(std::cos(a), 0, std::sin(a), 0, 1, 0, -std::sin(a), 0, std::cos(a));
  cam.t = {0.1, 0.2, 4.0};
  auto pts = torch::tensor({{{0.0, 0.0, 0.0}, {0.5, -0.3, 0.2}, {-0.4, 0.8, -0.1}}},
                           torch::dtype(torch::kFloat64))
                 .requires_grad_(true);
  const auto out = g::perspective_project(pts, cam);
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{1, 3, 3}));
  for (int v = 0; v < 3; ++v) {
    const cv::Vec3d p(pts[0][v][0].item<double>(), pts[0][v][1].item<double>(),
                      pts[0][v][2].item<double>());
    const auto uv = g::project(cam, p);
    EXPECT_NEAR(out[0][v][0].item<double>(), uv.x, 1e-9);
    EXPECT_NEAR(out[0][v][1].item<double>(), uv.y, 1e-9);
    EXPECT_NEAR(out[0][v][2].item<double>(), g::to_camera(cam, p)[2], 1e-9);
  }
  // The origin maps through t only: u = fx * tx / tz + cx.
  EXPECT_NEAR(out[0][0][0].item<double>(), 500 * 0.1 / 4.0 + 320, 1e-9);
  out.sum().backward();
  EXPECT_TRUE(pts.grad().defined());
  EXPECT_TRUE(torch::isfinite(pts.grad()).all().item<bool>());
}

namespace {

// Rasterises a small triangle (inradius 0.3 px) centred on the projection (x, y) of a 3D point
// and returns the one pixel it covers, or (-1, -1).
std::pair<int, int> covered_pixel(const std::vector<float>& screen, int h, int w) {
  const std::vector<int64_t> face = {0, 1, 2};
  const auto r = g::rasterize(screen.data(), 3, face.data(), 1, h, w, true);
  std::pair<int, int> hit{-1, -1};
  int count = 0;
  for (int i = 0; i < h; ++i)
    for (int j = 0; j < w; ++j)
      if (r.face_id[size_t(i) * w + j] == 0) {
        hit = {i, j};
        ++count;
      }
  return count == 1 ? hit : std::pair<int, int>{-1, -1};
}

}  // namespace

TEST(Camera, ProjectedPointLandsInPixelFloorXY) {
  // For points projecting within 0.1 px of a pixel centre, a tiny triangle around the point
  // (inradius 0.3 px, so it holds exactly one centre) must cover pixel (floor(y), floor(x)).
  // An off-by-half convention anywhere would cover no pixel or a neighbour.
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> pix(2, 60);
  std::uniform_real_distribution<double> off(-0.1, 0.1);
  const int res = 64;
  const double s = 0.7, tx = 0.1, ty = -0.2;
  g::PinholeCamera pin{80, 80, 32, 32};
  pin.t = {0, 0, 3};
  for (int trial = 0; trial < 50; ++trial) {
    const double x = pix(rng) + 0.5 + off(rng), y = pix(rng) + 0.5 + off(rng);
    // Weak perspective: invert u = (s X + t + 1) / 2 * R for the corners of the tiny triangle.
    std::vector<float> screen;
    for (int k = 0; k < 3; ++k) {
      const double a = 2 * M_PI * k / 3;
      const double cu = x + 0.6 * std::cos(a), cv_ = y + 0.6 * std::sin(a);
      screen.push_back(float((cu / res * 2 - 1 - tx) / s));
      screen.push_back(float((cv_ / res * 2 - 1 - ty) / s));
      screen.push_back(1.0f);
    }
    auto pts = torch::from_blob(screen.data(), {1, 3, 3}).clone();
    const auto scr =
        g::weak_perspective_screen(pts, torch::tensor({{float(s), float(tx), float(ty)}}), res)
            .contiguous();
    std::vector<float> sv(scr.data_ptr<float>(), scr.data_ptr<float>() + 9);
    const auto centre = g::weak_perspective_project(
        ((pts[0].mean(0))).view({1, 1, 3}), torch::tensor({{float(s), float(tx), float(ty)}}), res);
    EXPECT_NEAR(centre[0][0][0].item<double>(), x, 1e-4);
    EXPECT_EQ(covered_pixel(sv, res, res),
              (std::pair<int, int>{int(std::floor(y)), int(std::floor(x))}));
    // Pinhole: the triangle is placed at depth 3 around the back-projection of (x, y).
    std::vector<float> world, pscreen(9);
    for (int k = 0; k < 3; ++k) {
      const double a = 2 * M_PI * k / 3 + 0.4;
      const double cu = x + 0.6 * std::cos(a), cv_ = y + 0.6 * std::sin(a);
      world.push_back(float((cu - pin.cx) / pin.fx * 3));
      world.push_back(float((cv_ - pin.cy) / pin.fy * 3));
      world.push_back(0.0f);
    }
    g::project_screen(pin, world.data(), 3, pscreen.data());
    EXPECT_EQ(covered_pixel(pscreen, res, res),
              (std::pair<int, int>{int(std::floor(y)), int(std::floor(x))}));
  }
}
