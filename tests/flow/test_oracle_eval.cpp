#include <gtest/gtest.h>

#include <cmath>

#include "../support/temp_dir.h"
#include "../support/test_values.h"
#include "motioncue/core/error.h"
#include "motioncue/core/npy.h"
#include "motioncue/flow/oracle.h"
#include "motioncue/flow/oracle_eval.h"
#include "sequence_fixture.h"

namespace motioncue::flow {
namespace {

using motioncue::testing::kNaN;
using motioncue::testing::write_truth;

TEST(ComposeFlow, ChainsAndMarksLeavingPixels) {
  const cv::Mat a(10, 12, CV_32FC2, cv::Scalar(1, 0)), b(10, 12, CV_32FC2, cv::Scalar(2, 1));
  const cv::Mat c = compose_flow(a, b);
  EXPECT_EQ(c.at<cv::Vec2f>(4, 3), cv::Vec2f(3, 1));
  EXPECT_TRUE(std::isnan(c.at<cv::Vec2f>(4, 11)[0]));  // 11 + 1 is outside the 12 columns
  cv::Mat holes = a.clone();
  holes.at<cv::Vec2f>(2, 2) = cv::Vec2f(kNaN, kNaN);
  EXPECT_TRUE(std::isnan(compose_flow(holes, b).at<cv::Vec2f>(2, 2)[0]));
  EXPECT_TRUE(std::isnan(compose_flow(a, holes).at<cv::Vec2f>(2, 1)[1]));  // lands on the hole
}

// Without a frame size, a chain of ground-truth files of different sizes names the odd one.
TEST(GroundTruthFlowOverGap, ChainsFilesOfOneSizeOnly) {
  testing::TempDir dir;
  const cv::Size size(96, 80);
  write_truth(dir / "s0", 0, size, {1, 0});
  write_truth(dir / "s0", 1, {12, 10}, {1, 0});  // (10, 12, 2)
  write_truth(dir / "s0", 2, size, {1, 0});
  EXPECT_THROW(ground_truth_flow_over_gap(dir / "s0", 0, 2), Error);
  EXPECT_EQ(ground_truth_flow_over_gap(dir / "s0", 2, 1, size).size(), size);
}

}  // namespace
}  // namespace motioncue::flow
