#include <gtest/gtest.h>

#include <atomic>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
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

}  // namespace
}  // namespace motioncue::flow
