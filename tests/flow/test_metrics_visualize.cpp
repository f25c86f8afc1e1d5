#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "../support/test_values.h"
#include "motioncue/core/error.h"
#include "motioncue/flow/metrics.h"
#include "motioncue/flow/visualize.h"

namespace motioncue::flow {
namespace {

using motioncue::testing::kNaN;

TEST(FlowError, HandComputedCase) {
  // Four pixels: errors 0, 5 (3-4-5, truth |(100,0)| = 100 -> 5 <= 5 % of 100: inlier),
  // 4 (truth (1,0): outlier), and one with NaN truth (skipped).
  cv::Mat truth(1, 4, CV_32FC2), est(1, 4, CV_32FC2);
  truth.at<cv::Vec2f>(0, 0) = {1, 1};
  est.at<cv::Vec2f>(0, 0) = {1, 1};
  truth.at<cv::Vec2f>(0, 1) = {100, 0};
  est.at<cv::Vec2f>(0, 1) = {103, 4};
  truth.at<cv::Vec2f>(0, 2) = {1, 0};
  est.at<cv::Vec2f>(0, 2) = {1, 4};
  truth.at<cv::Vec2f>(0, 3) = {kNaN, kNaN};
  est.at<cv::Vec2f>(0, 3) = {50, 50};
  const FlowError e = flow_error(est, truth);
  EXPECT_EQ(e.count, 3);
  EXPECT_NEAR(e.epe, 9.0 / 3, 1e-9);
  EXPECT_NEAR(e.outlier_rate, 1.0 / 3, 1e-9);

  cv::Mat mask(1, 4, CV_8UC1, cv::Scalar(0));
  mask.at<uchar>(0, 2) = 1;
  const FlowError m = flow_error(est, truth, mask);
  EXPECT_EQ(m.count, 1);
  EXPECT_NEAR(m.epe, 4.0, 1e-9);
  EXPECT_NEAR(m.outlier_rate, 1.0, 1e-9);
}

TEST(FlowError, NonFiniteEstimateCannotHide) {
  cv::Mat truth(1, 2, CV_32FC2, cv::Scalar(1, 0)), est = truth.clone();
  est.at<cv::Vec2f>(0, 1) = {kNaN, 0};
  const FlowError e = flow_error(est, truth);
  EXPECT_TRUE(std::isinf(e.epe));
  EXPECT_NEAR(e.outlier_rate, 0.5, 1e-12);
}

TEST(FlowError, RejectsMismatch) {
  EXPECT_THROW(flow_error(cv::Mat(2, 2, CV_32FC2), cv::Mat(2, 3, CV_32FC2)), Error);
  EXPECT_THROW(flow_error(cv::Mat(2, 2, CV_32FC1), cv::Mat(2, 2, CV_32FC1)), Error);
  const FlowError empty = flow_error(cv::Mat(2, 2, CV_32FC2, cv::Scalar(kNaN, kNaN)),
                                     cv::Mat(2, 2, CV_32FC2, cv::Scalar(kNaN, kNaN)));
  EXPECT_EQ(empty.count, 0);
  EXPECT_EQ(empty.epe, 0.0);
}

TEST(FlowToColor, MiddleburyWheel) {
  cv::Mat f(1, 6, CV_32FC2);
  f.at<cv::Vec2f>(0, 0) = {0, 0};
  f.at<cv::Vec2f>(0, 1) = {2, 0};   // right: red
  f.at<cv::Vec2f>(0, 2) = {0, 2};   // down (image y): yellow-green side
  f.at<cv::Vec2f>(0, 3) = {-2, 0};  // left: cyan
  f.at<cv::Vec2f>(0, 4) = {kNaN, 0};
  f.at<cv::Vec2f>(0, 5) = {1, 0};  // half the max: paler red
  const cv::Mat c = flow_to_color(f);
  ASSERT_EQ(c.type(), CV_8UC3);
  EXPECT_EQ(c.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));  // no motion: white
  const cv::Vec3b right = c.at<cv::Vec3b>(0, 1), left = c.at<cv::Vec3b>(0, 3);
  EXPECT_EQ(right[2], 255);  // BGR: red channel full
  EXPECT_EQ(right[1], 0);
  EXPECT_LT(left[2], 10);  // cyan: no red, green and blue high
  EXPECT_GT(left[1], 200);
  EXPECT_GT(left[0], 200);
  const cv::Vec3b down = c.at<cv::Vec3b>(0, 2);
  EXPECT_GT(down[1], 200);  // yellow-green: strong green, little blue
  EXPECT_LT(down[0], 10);
  EXPECT_EQ(c.at<cv::Vec3b>(0, 4), cv::Vec3b(0, 0, 0));
  const cv::Vec3b half = c.at<cv::Vec3b>(0, 5);
  EXPECT_EQ(half[2], 255);
  EXPECT_NEAR(half[1], 127, 2);  // halfway to white

  // A fixed scale: the same flow with max 4 is paler.
  const cv::Mat fixed = flow_to_color(f, 4.0f);
  EXPECT_NEAR(fixed.at<cv::Vec3b>(0, 1)[1], 127, 2);
}

}  // namespace
}  // namespace motioncue::flow
