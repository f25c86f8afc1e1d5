#include <gtest/gtest.h>

#include <spdlog/spdlog.h>

#include "../support/temp_dir.h"
#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/parse.h"
#include "motioncue/core/progress.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/core/seed.h"

namespace mc = motioncue;

namespace {
const char* kDefaults = R"(
seed: 0
train:
  lr: 5.0e-5
  steps: 100
  backbone: compact
  flip: true
  sizes: [10, 100]
extra: {}
)";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const mc::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Config, DefaultsAreReadable) {
  mc::Config c(kDefaults, "defaults");
  EXPECT_EQ(c.get<int>("seed"), 0);
  EXPECT_DOUBLE_EQ(c.get<double>("train.lr"), 5e-5);
  EXPECT_EQ(c.get<std::string>("train.backbone"), "compact");
  EXPECT_EQ(c.get<std::vector<int>>("train.sizes"), (std::vector<int>{10, 100}));
}

TEST(Config, FileThenOverridesApplyInOrder) {
  mc::testing::TempDir dir;
  mc::write_file_atomic(dir / "c.yaml", std::string("train:\n  steps: 7\n  lr: 1\n"));
  mc::Config c(kDefaults, "defaults");
  c.merge_file(dir / "c.yaml");
  c.set("train.steps=9");
  c.set("train.flip=false");
  c.set("extra.anything=3");
  EXPECT_EQ(c.get<int>("train.steps"), 9);
  EXPECT_DOUBLE_EQ(c.get<double>("train.lr"), 1.0);  // an integer is a valid number
  EXPECT_FALSE(c.get<bool>("train.flip"));
  EXPECT_EQ(c.get<int>("extra.anything"), 3);
  // The dump parses back to the same values.
  mc::Config again(c.to_yaml(), "dump");
  EXPECT_EQ(again.get<int>("train.steps"), 9);
}

TEST(Config, UnknownKeyInFileNamesFileAndKey) {
  mc::testing::TempDir dir;
  mc::write_file_atomic(dir / "c.yaml", std::string("train:\n  stpes: 7\n"));
  mc::Config c(kDefaults, "defaults");
  const auto msg = error_of([&] { c.merge_file(dir / "c.yaml"); });
  EXPECT_NE(msg.find("c.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("train.stpes"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown config key"), std::string::npos) << msg;
}

TEST(Config, MalformedOverridesAreRejected) {
  mc::Config c(kDefaults, "defaults");
  EXPECT_NE(error_of([&] { c.set("train.steps"); }).find("key=value"), std::string::npos);
  EXPECT_NE(error_of([&] { c.set("=3"); }).find("key=value"), std::string::npos);
  EXPECT_NE(error_of([&] { c.set("train..steps=3"); }).find("malformed config key"),
            std::string::npos);
  const auto msg = error_of([&] { c.set("train.steps=many"); });
  EXPECT_NE(msg.find("train.steps"), std::string::npos) << msg;
  EXPECT_NE(msg.find("an integer"), std::string::npos) << msg;
  EXPECT_NE(error_of([&] { c.set("train=3"); }).find("a map"), std::string::npos);
  EXPECT_NE(error_of([&] { c.set("nope.x=3"); }).find("unknown config key"), std::string::npos);
}

TEST(Config, MalformedYamlNamesTheFile) {
  mc::testing::TempDir dir;
  mc::write_file_atomic(dir / "bad.yaml", std::string("train: [unclosed\n"));
  mc::Config c(kDefaults, "defaults");
  const auto msg = error_of([&] { c.merge_file(dir / "bad.yaml"); });
  EXPECT_NE(msg.find("bad.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed YAML"), std::string::npos) << msg;
  EXPECT_NE(error_of([&] { c.merge_file(dir / "missing.yaml"); }).find("not found"),
            std::string::npos);
}

// Found by fuzzing: a list or map used as a key escaped as yaml-cpp's conversion exception.
TEST(Config, AListOrMapAsAKeyIsAnErrorNamingTheFile) {
  for (const std::string text : {"[4]: 1\n", "train:\n  {a: 1}: 2\n", "? [x, y]\n: 3\n"}) {
    mc::Config c(kDefaults, "defaults");
    const auto msg = error_of([&] { c.merge_yaml(text, "keys.yaml"); });
    EXPECT_NE(msg.find("keys.yaml"), std::string::npos) << text << ": " << msg;
    EXPECT_NE(msg.find("plain name"), std::string::npos) << text << ": " << msg;
  }
}

TEST(Config, WrongTypeOnReadNamesTheKey) {
  mc::Config c(kDefaults, "defaults");
  const auto msg = error_of([&] { c.get<int>("train.backbone"); });
  EXPECT_NE(msg.find("train.backbone"), std::string::npos) << msg;
  EXPECT_NE(error_of([&] { c.get<int>("train.nothing"); }).find("missing"), std::string::npos);
}

TEST(Progress, RendersCountRateAndEta) {
  mc::Progress::set_enabled(false);
  mc::Progress p("train", 200, "step");
  p.advance(50);
  p.set_status("loss 0.5");
  const auto line = p.render();
  EXPECT_NE(line.find("50/200"), std::string::npos) << line;
  EXPECT_NE(line.find("25%"), std::string::npos) << line;
  EXPECT_NE(line.find("step/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA"), std::string::npos) << line;
  EXPECT_NE(line.find("loss 0.5"), std::string::npos) << line;
}

TEST(Progress, FormatsDurations) {
  EXPECT_EQ(mc::format_duration(12), "12s");
  EXPECT_EQ(mc::format_duration(185), "3m05s");
  EXPECT_EQ(mc::format_duration(3720), "1h02m");
}

TEST(Seed, DerivedSeedsAreStableAndDistinct) {
  EXPECT_EQ(mc::derive_seed(1, "augment"), mc::derive_seed(1, "augment"));
  EXPECT_NE(mc::derive_seed(1, "augment"), mc::derive_seed(2, "augment"));
  EXPECT_NE(mc::derive_seed(1, "augment"), mc::derive_seed(1, "pairs"));
  EXPECT_NE(mc::derive_seed(1, "worker", 0), mc::derive_seed(1, "worker", 1));
}

TEST(Parse, WholeStringNumbersOnly) {
  EXPECT_EQ(motioncue::parse_double("1.5e-3"), 1.5e-3);
  EXPECT_EQ(motioncue::parse_double("-2"), -2.0);
  EXPECT_TRUE(motioncue::parse_double("1e-320").has_value());  // underflow is still a number
  for (const char* bad : {"", " 1", "1 ", "1.5x", "abc", "1e999"})
    EXPECT_FALSE(motioncue::parse_double(bad).has_value()) << "'" << bad << "'";
  EXPECT_EQ(motioncue::parse_integer("42"), 42);
  EXPECT_EQ(motioncue::parse_integer("-7"), -7);
  for (const char* bad : {"", "4.2", "42 ", "99999999999999999999", "x1"})
    EXPECT_FALSE(motioncue::parse_integer(bad).has_value()) << "'" << bad << "'";
}

TEST(RunDir, ALogFileStopsCollectingWhenItsRunEnds) {
  mc::testing::TempDir tmp;
  const mc::Config config("x: 1\n", "test");
  {
    const mc::RunDir first(tmp / "first");
    first.record(config);
    spdlog::info("a line of the first run");
  }
  {
    const mc::RunDir second(tmp / "second");
    second.record(config);
    spdlog::info("a line of the second run");
  }
  const std::string first_log = mc::read_file_text(tmp / "first" / "log.txt");
  EXPECT_NE(first_log.find("first run"), std::string::npos) << first_log;
  EXPECT_EQ(first_log.find("second run"), std::string::npos) << first_log;
}
