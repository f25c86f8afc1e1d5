#include <gtest/gtest.h>

#include <torch/torch.h>

#include "motioncue/core/error.h"
#include "motioncue/data/network_input.h"
#include "motioncue/data/rng.h"

namespace d = motioncue::data;

TEST(NetworkInput, NormalisesRgbWithImageNetStatistics) {
  cv::Mat bgr(2, 3, CV_8UC3, cv::Scalar(0, 0, 0));
  bgr.at<cv::Vec3b>(1, 2) = {255, 128, 0};  // B = 255, G = 128, R = 0
  const at::Tensor x = d::to_network_input(bgr);
  ASSERT_EQ(x.sizes(), (std::vector<int64_t>{3, 2, 3}));
  EXPECT_NEAR(x[0][1][2].item<float>(), (0.0f - 0.485f) / 0.229f, 1e-5);
  EXPECT_NEAR(x[1][1][2].item<float>(), (128 / 255.0f - 0.456f) / 0.224f, 1e-5);
  EXPECT_NEAR(x[2][1][2].item<float>(), (1.0f - 0.406f) / 0.225f, 1e-5);
  EXPECT_NEAR(x[0][0][0].item<float>(), -0.485f / 0.229f, 1e-5);
}

TEST(NetworkInput, GainsScaleEachRgbChannelAndClip) {
  cv::Mat bgr(1, 1, CV_8UC3, cv::Scalar(100, 100, 200));  // B G R
  const at::Tensor x = d::to_network_input(bgr, {0.5f, 1.0f, 2.0f});
  EXPECT_NEAR(x[0][0][0].item<float>(), (200 / 255.0f * 0.5f - 0.485f) / 0.229f, 1e-5);  // R
  EXPECT_NEAR(x[1][0][0].item<float>(), (100 / 255.0f - 0.456f) / 0.224f, 1e-5);         // G
  EXPECT_NEAR(x[2][0][0].item<float>(), (200 / 255.0f - 0.406f) / 0.225f, 1e-5);         // B
  cv::Mat bright(1, 1, CV_8UC3, cv::Scalar(200, 200, 200));
  EXPECT_NEAR(d::to_network_input(bright, {1.4f, 1.4f, 1.4f})[0][0][0].item<float>(),
              (1.0f - 0.485f) / 0.229f, 1e-5);  // clipped at 1
}

TEST(NetworkInput, RgbTensorAndRoundTrip) {
  cv::Mat bgr(4, 5, CV_8UC3);
  cv::randu(bgr, 0, 256);
  const at::Tensor rgb = d::to_rgb_tensor(bgr);
  EXPECT_NEAR(rgb[0][3][4].item<float>(), bgr.at<cv::Vec3b>(3, 4)[2] / 255.0f, 1e-6);
  EXPECT_NEAR(rgb[2][3][4].item<float>(), bgr.at<cv::Vec3b>(3, 4)[0] / 255.0f, 1e-6);
  const cv::Mat back = d::network_input_to_bgr(d::to_network_input(bgr));
  EXPECT_EQ(cv::norm(back, bgr, cv::NORM_INF), 0.0);
}

TEST(NetworkInput, RejectsWrongImageType) {
  EXPECT_THROW(d::to_network_input(cv::Mat()), motioncue::Error);
  EXPECT_THROW(d::to_network_input(cv::Mat(4, 4, CV_8UC1, cv::Scalar(0))), motioncue::Error);
  EXPECT_THROW(d::to_network_input(cv::Mat(4, 4, CV_32FC3, cv::Scalar(0))), motioncue::Error);
}

TEST(Rng, ReproducibleAndWellSpread) {
  d::Rng a(42), b(42);
  double sum = 0, sq = 0;
  for (int i = 0; i < 20000; ++i) {
    const double x = a.normal();
    EXPECT_EQ(x, b.normal());
    sum += x, sq += x * x;
  }
  EXPECT_NEAR(sum / 20000, 0.0, 0.03);
  EXPECT_NEAR(sq / 20000, 1.0, 0.05);
  d::Rng c(1);
  auto p = d::random_permutation(50, c);
  std::sort(p.begin(), p.end());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(p[i], i);
}
