#include <gtest/gtest.h>

#include <cmath>

#include "../support/temp_dir.h"
#include "../support/test_values.h"
#include "motioncue/core/npy.h"
#include "motioncue/flow/oracle.h"
#include "motioncue/flow/oracle_eval.h"
#include "sequence_fixture.h"

namespace motioncue::flow {
namespace {

using motioncue::testing::kNaN;

void write_truth(const std::filesystem::path& seq, int frame, cv::Size size, cv::Vec2f v) {
  std::vector<float> values;
  for (int y = 0; y < size.height; ++y)
    for (int x = 0; x < size.width; ++x) {
      const bool hole = x >= 20 && x < 40 && y < 20;  // "no body" there
      values.push_back(hole ? kNaN : v[0]);
      values.push_back(hole ? kNaN : v[1]);
    }
  NpyArray f32 = NpyArray::from_f32({size.height, size.width, 2}, values), f16;
  f16.dtype = DType::kF16;
  f16.shape = f32.shape;
  for (float x : values) {
    const std::uint16_t h = float_to_half(x);
    f16.bytes.push_back(std::uint8_t(h & 0xff));
    f16.bytes.push_back(std::uint8_t(h >> 8));
  }
  char name[32];
  std::snprintf(name, sizeof name, "fw_%06d.npy", frame);
  write_npy(seq / "flow" / name, f16);
}

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

TEST(OracleEvaluation, EstimatorAgainstExactFlowAtGapsOneAndTwo) {
  testing::TempDir dir;
  const cv::Size size(96, 80);
  testing::write_sequence(dir / "seq", 4, size, {1.5, 0});
  for (int t = 0; t < 3; ++t) write_truth(dir / "seq", t, size, {1.5f, 0});
  std::vector<SequenceFrames> seqs{read_sequence(dir / "seq")};
  auto estimator = make_flow_estimator("dis-medium");

  // Box: centre (48, 40), side 80 -> crop 80: zoom 1, covering x in [8, 88).
  const auto gap1 = evaluate_against_oracle(seqs, *estimator, 80, 1, nullptr);
  EXPECT_EQ(gap1.pairs, 3);
  EXPECT_EQ(gap1.no_truth, 0);
  EXPECT_EQ(gap1.error.count, 3 * (80 * 80 - 20 * 20));  // the hole is not evaluated
  EXPECT_LT(gap1.error.epe, 0.3);

  // Gap 2: exact flow (3, 0), chained from two files; the last pair has no second file.
  FlowCache cache(dir / "cache");
  const auto gap2 = evaluate_against_oracle(seqs, *estimator, 80, 2, &cache);
  EXPECT_EQ(gap2.pairs, 2);
  EXPECT_LT(gap2.error.epe, 0.3);
  EXPECT_EQ(cache.misses(), 2);
  const auto again = evaluate_against_oracle(seqs, *estimator, 80, 2, &cache);
  EXPECT_EQ(cache.hits(), 2);
  EXPECT_NEAR(again.error.epe, gap2.error.epe, 1e-3);

  // A wrong estimate is seen as wrong: ground truth of (3, 0) against frames moving 1.5 px.
  for (int t = 0; t < 3; ++t) write_truth(dir / "seq", t, size, {3.0f, 0});
  const auto wrong = evaluate_against_oracle(seqs, *estimator, 80, 1, nullptr);
  EXPECT_NEAR(wrong.error.epe, 1.5, 0.3);

  std::filesystem::remove(dir / "seq" / "flow" / "fw_000002.npy");
  EXPECT_EQ(evaluate_against_oracle(seqs, *estimator, 80, 1, nullptr).no_truth, 1);
}

// Ground truth of another size than the frames (or not (H, W, 2)) was cropped as if it fitted:
// a handful of pixels were compared and a plausible EPE printed. Refused, naming the file and
// the expected and found shapes, at gap 1 and along a gap's chain.
TEST(OracleEvaluation, GroundTruthOfTheWrongShapeNamesFileAndShapes) {
  testing::TempDir dir;
  const cv::Size size(96, 80);
  testing::write_sequence(dir / "s0", 4, size, {1, 0});
  write_truth(dir / "s0", 0, size, {1, 0});
  write_truth(dir / "s0", 1, {12, 10}, {1, 0});  // (10, 12, 2)
  write_truth(dir / "s0", 2, size, {1, 0});
  const std::vector<SequenceFrames> seqs = {read_sequence(dir / "s0")};
  auto estimator = make_flow_estimator("dis-fast");
  const std::string file = (dir / "s0" / "flow" / "fw_000001.npy").string();
  for (int gap : {1, 2}) {
    try {
      evaluate_against_oracle(seqs, *estimator, 64, gap, nullptr);
      ADD_FAILURE() << "gap " << gap << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()),
                file +
                    ": ground-truth flow does not match the frame size (expected (80, 96, 2) for "
                    "96x80 frames, found (10, 12, 2))");
    }
  }
  // Without a frame size, a chain of files of different sizes names the odd one too.
  EXPECT_THROW(ground_truth_flow_over_gap(dir / "s0", 0, 2), Error);
  EXPECT_EQ(ground_truth_flow_over_gap(dir / "s0", 2, 1, size).size(), size);
}

}  // namespace
}  // namespace motioncue::flow
