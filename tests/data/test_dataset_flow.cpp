#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../flow/sequence_fixture.h"
#include "../support/temp_dir.h"
#include "../support/test_values.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npy.h"
#include "motioncue/data/dataset_flow.h"
#include "motioncue/flow/oracle_eval.h"
#include "motioncue/flow/pair_flow.h"

namespace motioncue::data {
namespace {

namespace fs = std::filesystem;
using flow::FlowCache;
using flow::make_flow_estimator;
using motioncue::testing::kNaN;
using motioncue::testing::write_truth;

TEST(Precompute, FillsTheCacheThenHitsAndNoticesChangedFrames) {
  testing::TempDir dir;
  testing::write_sequence(dir / "train" / "seq_a", 4, {96, 80}, {1, 0});
  testing::write_sequence(dir / "train" / "seq_b", 3, {96, 80}, {0, 1});
  const auto seqs = VideoDataset::open(dir.path());
  ASSERT_EQ(seqs.num_sequences(), 2);
  EXPECT_EQ(seqs.sequence_dir(0).filename(), "seq_a");
  EXPECT_EQ(seqs.sequence_name(0), "train/seq_a");
  EXPECT_EQ(seqs.num_frames(0), 4);
  EXPECT_DOUBLE_EQ(seqs.box(0, 2).scale, 0.4);

  auto estimator = make_flow_estimator("dis-fast");
  FlowCache cache(dir / ".flow_cache");
  std::atomic<int> calls{0};
  const auto first = precompute_flow(seqs, *estimator, cache, 64, 1, [&] { ++calls; });
  EXPECT_EQ(first.pairs, 3 + 2);
  EXPECT_EQ(calls.load(), 5);
  EXPECT_EQ(first.misses, 10);
  EXPECT_EQ(first.hits, 0);
  // The hidden cache folder is not mistaken for a sequence on the next search.
  EXPECT_EQ(VideoDataset::open(dir.path()).num_sequences(), 2);

  const auto second = precompute_flow(seqs, *estimator, cache, 64, 1);
  EXPECT_EQ(second.hits, 10);
  EXPECT_EQ(second.misses, 0);

  // Re-render frame 2 of seq_a: the pairs (1, 2) and (2, 3) are recomputed, both directions.
  const cv::Mat other = testing::make_texture(96, 80, 99);
  cv::imwrite(seqs.frame_path(0, 2).string(), other);
  const auto third = precompute_flow(seqs, *estimator, cache, 64, 1);
  EXPECT_EQ(third.misses, 4);
  EXPECT_EQ(third.hits, 6);

  const auto gap2 = precompute_flow(seqs, *estimator, cache, 64, 2);
  EXPECT_EQ(gap2.pairs, 2 + 1);
}

TEST(Precompute, WrongSizeOrUnreadableFrameNamesTheFile) {
  testing::TempDir dir;
  testing::write_sequence(dir / "seq", 3, {64, 48}, {1, 0});
  const fs::path bad = dir / "seq" / "frames" / "000001.png";
  cv::imwrite(bad.string(), testing::make_texture(60, 48, 1));
  auto estimator = make_flow_estimator("dis-fast");
  FlowCache cache(dir / "cache");
  const auto expect_error = [&](const std::string& words) {
    try {
      precompute_flow(VideoDataset::open(dir / "seq"), *estimator, cache, 32, 1);
      FAIL() << "no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("000001.png"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  expect_error("60x48");
  write_file_atomic(bad, std::string("not a png"));
  expect_error("cannot read");
}

TEST(Precompute, BoxesMustMatchFrames) {
  testing::TempDir dir;
  testing::write_sequence(dir / "seq", 3, {64, 48}, {1, 0});
  fs::remove(dir / "seq" / "frames" / "000002.png");
  try {
    VideoDataset::open(dir / "seq");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("annotations.npz"), std::string::npos) << e.what();
  }
  EXPECT_THROW(VideoDataset::open(dir / "seq" / "frames"), Error);
}

// A NaN or infinite box (or one at 1e30, or a sub-pixel one) cropped to a blank image whose flow
// was cached as zeros without a word; a box off the frame likewise. Each is refused naming the
// annotations file and the frame's box, before any flow is computed or cached.
TEST(Precompute, UnusableBoxesAreRefusedNamingTheKey) {
  testing::TempDir dir;
  const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  struct BadBox {
    double cx, cy, scale;
    std::string words;
  };
  const std::vector<BadBox> cases = {
      {nan, 24, 0.24, "center/scale[1]: the person box is not finite"},
      {32, 24, inf, "center/scale[1]: the person box is not finite"},
      {32, -inf, 0.24, "center/scale[1]: the person box is not finite"},
      {32, 24, 0, "center/scale[1]: the person box is smaller than a pixel"},
      {32, 24, -0.24, "center/scale[1]: the person box is smaller than a pixel"},
      {32, 24, 0.001, "center/scale[1]: the person box is smaller than a pixel"},
      {1e30, 24, 0.24, "center/scale[1]: the person box is out of range"},
      {32, 24, 1e10, "center/scale[1]: the person box is out of range"}};
  for (const auto& c : cases) {
    testing::write_sequence(dir / "seq", 3, {64, 48}, {1, 0});
    testing::set_sequence_box(dir / "seq", 1, c.cx, c.cy, c.scale);
    try {
      VideoDataset::open(dir / "seq");
      ADD_FAILURE() << c.words << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(
                    (dir / "seq" / "annotations.npz").string() + ": " + c.words, 0),
                0u)
          << e.what();
    }
  }
  // Finite but off the 64x48 frame: found when the frame size is known, nothing cached.
  testing::write_sequence(dir / "seq", 3, {64, 48}, {1, 0});
  testing::set_sequence_box(dir / "seq", 1, 500, 24, 0.24);
  auto estimator = make_flow_estimator("dis-fast");
  FlowCache cache(dir / "cache");
  try {
    precompute_flow(VideoDataset::open(dir / "seq"), *estimator, cache, 32, 1);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("annotations.npz: center/scale[1]: the person box lies outside the frame"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("64x48 frame 000001.png"), std::string::npos) << what;
  }
  EXPECT_TRUE(fs::is_empty(dir / "cache"));
  // compute_pair_flow, refinement's way in, refuses a NaN box too.
  const cv::Mat frame = testing::make_texture(64, 48, 1);
  EXPECT_THROW(
      flow::compute_pair_flow(frame, frame, {{nan, 24}, 0.24}, 32, *estimator, &cache, "a", "b"),
      Error);
  EXPECT_TRUE(fs::is_empty(dir / "cache"));
}

TEST(OracleEvaluation, EstimatorAgainstExactFlowAtGapsOneAndTwo) {
  testing::TempDir dir;
  const cv::Size size(96, 80);
  testing::write_sequence(dir / "seq", 4, size, {1.5, 0});
  for (int t = 0; t < 3; ++t) write_truth(dir / "seq", t, size, {1.5f, 0});
  const auto seqs = VideoDataset::open(dir / "seq");
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
  const auto seqs = VideoDataset::open(dir / "s0");
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
}

}  // namespace
}  // namespace motioncue::data
