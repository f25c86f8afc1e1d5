#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <memory>

#include "../support/constant_network.h"
#include "../support/small_benchmark.h"
#include "../support/temp_dir.h"
#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/eval/motion_study.h"
#include "motioncue/model/network.h"
#include "motioncue/synth/generator.h"
#include "motioncue/synth/spec.h"

namespace ev = motioncue::eval;
using motioncue::Error;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// A field whose value at array position (x, y) (pixel centre (x + 0.5, y + 0.5)) is
// (a x + b, c y + d): bilinear sampling reproduces it exactly.
cv::Mat affine_flow(int r, double a, double b, double c, double d) {
  cv::Mat f(r, r, CV_32FC2);
  for (int y = 0; y < r; ++y)
    for (int x = 0; x < r; ++x) f.at<cv::Vec2f>(y, x) = {float(a * x + b), float(c * y + d)};
  return f;
}

// The motion that field moves a crop point p by.
cv::Point2d affine_motion(const cv::Point2d& p, double a, double b, double c, double d) {
  return {a * (p.x - 0.5) + b, c * (p.y - 0.5) + d};
}

TEST(MotionStudy, ExactFlowGivesZeroFlowError) {
  const int r = 32;
  const double a = 0.1, b = 1.5, c = -0.05, d = 2.0;
  const cv::Mat flow = affine_flow(r, a, b, c, d);
  ev::PairJoints pj;
  for (int j = 0; j < 14; ++j) {
    const cv::Point2d p(3.3 + 1.7 * j, 25.9 - 1.3 * j);
    pj.gt1.push_back(p);
    pj.gt2.push_back(p + affine_motion(p, a, b, c, d));
    pj.pred1.push_back(p + cv::Point2d(1, 1));
    pj.pred2.push_back(p + cv::Point2d(1, 1));  // the network sees no motion
    pj.visible.push_back(true);
  }
  const auto e = ev::motion_errors(pj, flow);
  ASSERT_EQ(e.flow_error.size(), 14u);
  for (std::size_t j = 0; j < 14; ++j) {
    EXPECT_NEAR(e.flow_error[j], 0.0, 1e-5) << "joint " << j;
    EXPECT_NEAR(e.network_error[j], e.gt_motion[j], 1e-12);  // zero predicted motion
    EXPECT_GT(e.gt_motion[j], 1.0);
  }
}

TEST(MotionStudy, PredictionEqualToTruthGivesZeroNetworkError) {
  const cv::Mat flow = affine_flow(16, 0, 0, 0, 0);
  ev::PairJoints pj;
  for (int j = 0; j < 14; ++j) {
    pj.gt1.emplace_back(1.0 + j, 2.0 + 0.5 * j);
    pj.gt2.emplace_back(1.5 + j * 0.9, 3.0 + 0.4 * j);
    pj.visible.push_back(true);
  }
  pj.pred1 = pj.gt1;
  pj.pred2 = pj.gt2;
  const auto e = ev::motion_errors(pj, flow);
  ASSERT_EQ(e.network_error.size(), 14u);
  for (std::size_t j = 0; j < 14; ++j) {
    EXPECT_DOUBLE_EQ(e.network_error[j], 0.0);
    EXPECT_NEAR(e.flow_error[j], e.gt_motion[j], 1e-12);  // zero flow
  }
  const auto s = ev::summarize_gap(1, {e});
  EXPECT_DOUBLE_EQ(s.network_error_px, 0.0);
  EXPECT_TRUE(std::isnan(s.ratio));  // no finite ratio over a perfect network
}

TEST(MotionStudy, HandComputedPairsAndSummary) {
  // 16 x 16 crop; flow (x, 2y) at array position (x, y), NaN in the bottom-right pixel.
  cv::Mat flow = affine_flow(16, 1, 0, 2, 0);
  flow.at<cv::Vec2f>(15, 15) = {kNaN, kNaN};
  ev::PairJoints pj;
  const auto add = [&](cv::Point2d g1, cv::Point2d g2, cv::Point2d p1, cv::Point2d p2, bool v) {
    pj.gt1.push_back(g1);
    pj.gt2.push_back(g2);
    pj.pred1.push_back(p1);
    pj.pred2.push_back(p2);
    pj.visible.push_back(v);
  };
  // Joint at crop (3, 5.5) = array (2.5, 5): flow (2.5, 10). GT motion (3, 4): |.| = 5.
  // Flow error |(-0.5, 6)| = sqrt(36.25); predicted motion (3, 4): network error 0.
  add({3, 5.5}, {6, 9.5}, {1, 1}, {4, 5}, true);
  // Joint at crop (1.5, 1.5) = array (1, 1): flow (1, 2). GT motion (1, 2): flow error 0.
  // Predicted motion (4, 6): network error |(3, 4)| = 5.
  add({1.5, 1.5}, {2.5, 3.5}, {0, 0}, {4, 6}, true);
  add({2, 2}, {3, 3}, {2, 2}, {3, 3}, false);             // flagged invisible
  add({2, 2}, {16.5, 3}, {2, 2}, {3, 3}, true);           // leaves the crop in frame t + gap
  add({-0.1, 2}, {1, 3}, {2, 2}, {3, 3}, true);           // outside the crop in frame t
  add({15.6, 15.7}, {15.9, 15.9}, {2, 2}, {3, 3}, true);  // the flow is undefined there
  const auto e = ev::motion_errors(pj, flow);
  ASSERT_EQ(e.flow_error.size(), 2u);
  EXPECT_NEAR(e.flow_error[0], std::sqrt(36.25), 1e-6);
  EXPECT_NEAR(e.network_error[0], 0.0, 1e-12);
  EXPECT_NEAR(e.gt_motion[0], 5.0, 1e-12);
  EXPECT_NEAR(e.flow_error[1], 0.0, 1e-6);
  EXPECT_NEAR(e.network_error[1], 5.0, 1e-12);
  EXPECT_NEAR(e.gt_motion[1], std::sqrt(5.0), 1e-12);
  EXPECT_EQ(e.not_visible, 1);
  EXPECT_EQ(e.outside, 2);
  EXPECT_EQ(e.no_flow, 1);

  // A second pair with one joint (flow error 1, network error 3): samples weigh the same.
  ev::PairMotionErrors other;
  other.flow_error = {1.0};
  other.network_error = {3.0};
  other.gt_motion = {2.0};
  const auto s = ev::summarize_gap(3, {e, other});
  EXPECT_EQ(s.gap, 3);
  EXPECT_EQ(s.pairs, 2);
  EXPECT_EQ(s.samples, 3);
  const double flow_mean = (std::sqrt(36.25) + 0.0 + 1.0) / 3;
  const double net_mean = (0.0 + 5.0 + 3.0) / 3;
  EXPECT_NEAR(s.flow_error_px, flow_mean, 1e-6);
  EXPECT_NEAR(s.network_error_px, net_mean, 1e-12);
  EXPECT_NEAR(s.ratio, flow_mean / net_mean, 1e-6);
  EXPECT_NEAR(s.gt_motion_px, (5.0 + std::sqrt(5.0) + 2.0) / 3, 1e-12);
  EXPECT_NEAR(s.flow_error_median_px, 1.0, 1e-6);
  EXPECT_NEAR(s.network_error_median_px, 3.0, 1e-12);
  EXPECT_EQ(s.not_visible, 1);
  EXPECT_EQ(s.outside, 2);
  EXPECT_EQ(s.no_flow, 1);
}

TEST(MotionStudy, RejectsMismatchedInputs) {
  ev::PairJoints pj;
  pj.gt1 = {{1, 1}};
  pj.gt2 = {{2, 2}};
  pj.pred1 = {{1, 1}};
  pj.pred2 = {};
  pj.visible = {true};
  EXPECT_THROW(ev::motion_errors(pj, affine_flow(4, 0, 0, 0, 0)), Error);
  pj.pred2 = {{2, 2}};
  EXPECT_THROW(ev::motion_errors(pj, cv::Mat(4, 5, CV_32FC2, cv::Scalar(0, 0))), Error);
  EXPECT_THROW(ev::motion_errors(pj, cv::Mat(4, 4, CV_32FC1, cv::Scalar(0))), Error);
}

TEST(MotionStudy, GapsLongerThanASequenceGiveNoPairs) {
  const std::vector<std::int64_t> frames{6, 3};
  EXPECT_EQ(ev::study_pairs(frames, 1).size(), 5u + 2u);
  const auto five = ev::study_pairs(frames, 5);
  ASSERT_EQ(five.size(), 1u);  // only (sequence 0, t = 0): frames 0 and 5
  EXPECT_EQ(five[0], std::make_pair(std::int64_t{0}, std::int64_t{0}));
  EXPECT_TRUE(ev::study_pairs(frames, 6).empty());
  EXPECT_TRUE(ev::study_pairs(frames, 7).empty());
  EXPECT_THROW(ev::study_pairs(frames, 0), Error);
}

TEST(MotionStudy, ParsesGaps) {
  EXPECT_EQ(ev::parse_gaps("1,3,5,7"), (std::vector<int>{1, 3, 5, 7}));
  EXPECT_EQ(ev::parse_gaps("2"), (std::vector<int>{2}));
  for (const char* bad : {"", "0", "1,,3", "1,x", "1,-3", "1,3,1", "2.5", "3 "})
    EXPECT_THROW(ev::parse_gaps(bad), Error) << "'" << bad << "'";
}

// A small benchmark from the embedded `tiny` spec: two 4-frame test sequences with exact flow.
const std::filesystem::path& study_benchmark() {
  static const std::unique_ptr<motioncue::testing::TempDir> dir = [] {
    motioncue::testing::SmallBenchmarkSizes n;
    n.labeled = 2, n.unlabeled_frames = 2, n.val_frames = 2, n.test_sequences = 2,
    n.test_frames = 4;
    return motioncue::testing::make_small_benchmark(n);
  }();
  return dir->path();
}

TEST(MotionStudyDriver, OracleFlowOnSyntheticVideo) {
  const auto dataset = motioncue::data::VideoDataset::open(study_benchmark() / "test");
  // Every crop gets the initial state, so the predicted motion is exactly 0
  // and the network's error is exactly the ground-truth motion.
  const auto network = motioncue::testing::constant_network(32);
  ev::MotionStudyOptions options;
  options.estimator = "oracle";
  options.gaps = {1, 3, 7};
  options.resolution = 32;
  const auto r =
      ev::run_motion_study(network, motioncue::testing::default_body_model(), dataset, options);
  ASSERT_EQ(r.gaps.size(), 3u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& g = r.gaps[i];
    EXPECT_EQ(g.pairs, 2 * (4 - g.gap));
    EXPECT_GT(g.samples, 0);
    EXPECT_EQ(g.samples + g.not_visible + g.outside + g.no_flow, g.pairs * 14);
    EXPECT_TRUE(g.skipped.empty());
    EXPECT_GT(g.gt_motion_px, 0.0);
    // Both are float32 projections averaged in double: equal up to float32 rounding, which
    // differs across CPUs and BLAS builds (a 1e-9 bound failed on a fresh machine at 1.03e-8).
    EXPECT_NEAR(g.network_error_px, g.gt_motion_px, 1e-5 * g.gt_motion_px);
    // The exact flow, sampled where the joint projects, is the motion of the surface seen there
    // (over the joint, or another part in front of it): finite, but not the joint's motion.
    EXPECT_TRUE(std::isfinite(g.flow_error_px));
  }
  const auto& g7 = r.gaps[2];
  EXPECT_EQ(g7.pairs, 0);
  EXPECT_EQ(g7.samples, 0);
  EXPECT_FALSE(g7.skipped.empty());
  EXPECT_NE(ev::motion_study_table(r).find("skipped"), std::string::npos);

  motioncue::testing::TempDir out;
  ev::write_motion_study(out / "e5.json", r);
  const auto j = nlohmann::json::parse(motioncue::read_file_text(out / "e5.json"));
  EXPECT_EQ(j["estimator"], "oracle");
  EXPECT_EQ(j["gaps"][0]["samples"], r.gaps[0].samples);
  EXPECT_TRUE(j["gaps"][2]["flow_error_px"].is_null());
  EXPECT_TRUE(j["gaps"][2].contains("skipped"));

  // An estimator's flow is defined everywhere, so it also counts the joints the oracle left out;
  // the second run reads the cached flow and gives the same numbers.
  options.estimator = "dis-medium";
  options.gaps = {1};
  options.flow_cache_dir = out / "cache";
  const auto dis =
      ev::run_motion_study(network, motioncue::testing::default_body_model(), dataset, options);
  ASSERT_EQ(dis.gaps.size(), 1u);
  EXPECT_EQ(dis.gaps[0].no_flow, 0);
  EXPECT_EQ(dis.gaps[0].samples, r.gaps[0].samples + r.gaps[0].no_flow);
  EXPECT_TRUE(std::isfinite(dis.gaps[0].flow_error_px));
  EXPECT_FALSE(std::filesystem::is_empty(out / "cache"));
  const auto again =
      ev::run_motion_study(network, motioncue::testing::default_body_model(), dataset, options);
  EXPECT_EQ(again.gaps[0].flow_error_px, dis.gaps[0].flow_error_px);

  options.gaps = {4, 9};
  EXPECT_THROW(
      ev::run_motion_study(network, motioncue::testing::default_body_model(), dataset, options),
      Error);
  options.gaps = {1};
  options.estimator = "no-such-flow";
  EXPECT_THROW(
      ev::run_motion_study(network, motioncue::testing::default_body_model(), dataset, options),
      Error);
}

}  // namespace
