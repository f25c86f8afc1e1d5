// The domain-gap meter on a small rendered benchmark: MoveNet lightning scores every visible
// joint once, the groups add up, motions are reported by family, and bad input is an Error.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "../support/pretrained_models.h"
#include "../support/small_benchmark.h"
#include "motioncue/core/error.h"
#include "motioncue/core/json_file.h"
#include "motioncue/eval/keypoint_gap.h"

namespace fs = std::filesystem;

namespace {

const fs::path& gap_benchmark() {
  static const auto data = [] {
    motioncue::testing::SmallBenchmarkSizes n;
    n.test_sequences = 2;
    n.test_frames = 3;
    return motioncue::testing::make_small_benchmark(n);
  }();
  return data->path();
}

}  // namespace

TEST(KeypointGap, CountsAddUpAndMotionsAreFamilies) {
  MOTIONCUE_PRETRAINED_MODEL(model, "movenet-lightning");
  motioncue::eval::KeypointGapOptions o;
  o.model = "movenet-lightning";
  o.progress = false;
  const auto report = motioncue::eval::measure_keypoint_gap(gap_benchmark() / "test", o);
  EXPECT_EQ(report.frames, 6);
  EXPECT_GT(report.limbs.total, 0);
  EXPECT_LE(report.limbs.total, 6 * 12);
  EXPECT_LE(report.face.total, 6 * 5);
  std::int64_t by_motion = 0, by_sequence = 0, by_joint = 0;
  for (const auto& [name, c] : report.per_motion) by_motion += c.total;
  for (const auto& [name, c] : report.per_sequence) by_sequence += c.total;
  for (const auto& [name, c] : report.per_joint) by_joint += c.total;
  EXPECT_EQ(by_motion, report.limbs.total);
  EXPECT_EQ(by_sequence, report.limbs.total);
  EXPECT_EQ(by_joint, report.limbs.total + report.face.total);
  std::set<std::string> families;
  for (const auto& entry : fs::directory_iterator(gap_benchmark() / "test"))
    if (entry.is_directory())
      families.insert(motioncue::read_json_file(entry.path() / "meta.json")["family"]);
  for (const auto& [name, c] : report.per_motion) EXPECT_TRUE(families.count(name)) << name;
  for (const auto* c : {&report.limbs, &report.face}) {
    EXPECT_GE(c->value(), 0.0);
    EXPECT_LE(c->value(), 1.0);
  }
  const auto json = report.to_json();
  EXPECT_TRUE(json.contains("per_motion"));
}

TEST(KeypointGap, BadInputIsAnError) {
  motioncue::eval::KeypointGapOptions o;
  o.every = 0;
  o.progress = false;
  EXPECT_THROW(motioncue::eval::measure_keypoint_gap(gap_benchmark() / "test", o),
               motioncue::Error);
  o.every = 1;
  EXPECT_THROW(motioncue::eval::measure_keypoint_gap(gap_benchmark() / "nosuch", o),
               motioncue::Error);
}
