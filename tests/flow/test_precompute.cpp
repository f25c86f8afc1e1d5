#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/flow/pair_flow.h"
#include "motioncue/flow/precompute.h"
#include "sequence_fixture.h"

namespace motioncue::flow {
namespace {

namespace fs = std::filesystem;

std::vector<SequenceFrames> read_all(const fs::path& root) {
  std::vector<SequenceFrames> out;
  for (const auto& d : find_sequences(root)) out.push_back(read_sequence(d));
  return out;
}

TEST(Precompute, FillsTheCacheThenHitsAndNoticesChangedFrames) {
  testing::TempDir dir;
  testing::write_sequence(dir / "train" / "seq_a", 4, {96, 80}, {1, 0});
  testing::write_sequence(dir / "train" / "seq_b", 3, {96, 80}, {0, 1});
  const auto seqs = read_all(dir.path());
  ASSERT_EQ(seqs.size(), 2u);
  EXPECT_EQ(seqs[0].dir.filename(), "seq_a");
  EXPECT_EQ(seqs[0].frames.size(), 4u);
  EXPECT_DOUBLE_EQ(seqs[0].boxes[2].scale, 0.4);

  auto estimator = make_flow_estimator("dis-fast");
  FlowCache cache(dir / ".flow_cache");
  std::atomic<int> calls{0};
  const auto first = precompute_flow(seqs, *estimator, cache, 64, 1, [&] { ++calls; });
  EXPECT_EQ(first.pairs, 3 + 2);
  EXPECT_EQ(calls.load(), 5);
  EXPECT_EQ(first.misses, 10);
  EXPECT_EQ(first.hits, 0);
  // The hidden cache folder is not mistaken for a sequence on the next search.
  EXPECT_EQ(read_all(dir.path()).size(), 2u);

  const auto second = precompute_flow(seqs, *estimator, cache, 64, 1);
  EXPECT_EQ(second.hits, 10);
  EXPECT_EQ(second.misses, 0);

  // Re-render frame 2 of seq_a: the pairs (1, 2) and (2, 3) are recomputed, both directions.
  const cv::Mat other = testing::make_texture(96, 80, 99);
  cv::imwrite(seqs[0].frames[2].string(), other);
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
      precompute_flow(read_all(dir.path()), *estimator, cache, 32, 1);
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
    read_sequence(dir / "seq");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("annotations.npz"), std::string::npos) << e.what();
  }
  EXPECT_THROW(find_sequences(dir / "seq" / "frames"), Error);
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
      read_sequence(dir / "seq");
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
    precompute_flow(read_all(dir.path()), *estimator, cache, 32, 1);
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
  EXPECT_THROW(compute_pair_flow(frame, frame, {{nan, 24}, 0.24}, 32, *estimator, &cache, "a", "b"),
               Error);
  EXPECT_TRUE(fs::is_empty(dir / "cache"));
}

}  // namespace
}  // namespace motioncue::flow
