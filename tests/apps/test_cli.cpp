#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "../support/run_cli.h"
#include "../support/temp_dir.h"

using motioncue::testing::run_cli;

TEST(Cli, HelpListsUsage) {
  const auto r = run_cli("--help");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("motioncue"), std::string::npos) << r.output;
}

TEST(Cli, VersionPrintsVersionAndLibraries) {
  const auto r = run_cli("--version");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("LibTorch"), std::string::npos) << r.output;
}

TEST(Cli, UnknownVerbFailsNamingItAndListingTheVerbs) {
  const auto r = run_cli("frobnicate --out x");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("unknown verb 'frobnicate'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("train"), std::string::npos) << r.output;
  // Options before the verb are skipped, a known verb still runs.
  EXPECT_EQ(run_cli("--log-level warn --version").exit_code, 0);
}

// Bad input at the CLI boundary: one clear line naming the file, a non-zero exit, no output file.
TEST(Cli, MotionStudyWithAMissingCheckpointNamesItAndWritesNothing) {
  motioncue::testing::TempDir tmp;
  const auto out = tmp / "e5.json";
  const auto r = run_cli("motion-study --checkpoint " + (tmp / "missing.ckpt").string() +
                         " --data " + tmp.path().string() + " --out " + out.string());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("missing.ckpt"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Cli, ExperimentWithAnUnknownSpecListsTheBuiltInOnes) {
  motioncue::testing::TempDir tmp;
  const auto r = run_cli("experiment --spec no_such_spec --out " + (tmp / "out").string());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("no_such_spec"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("e3_ablations"), std::string::npos) << r.output;
}

TEST(Cli, ExperimentRejectsASeedTheSpecDoesNotHave) {
  motioncue::testing::TempDir tmp;
  const auto r = run_cli("experiment --spec e1 --seeds 7 --data " + tmp.path().string() +
                         " --out " + (tmp / "out").string());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("seeds"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(tmp / "out" / "labeled_100"));
}

TEST(Cli, TrainResumeKeepsTheRecordedSettings) {
  motioncue::testing::TempDir tmp;
  const auto r = run_cli("train --resume " + (tmp / "run").string() + " --set train.lr=1");
  EXPECT_FALSE(std::filesystem::exists(tmp / "run"));
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("recorded settings"), std::string::npos) << r.output;
  const auto none = run_cli("train");
  EXPECT_NE(none.exit_code, 0) << none.output;
  EXPECT_NE(none.output.find("--resume"), std::string::npos) << none.output;
}

TEST(Cli, TrainResumeOfAFolderWithoutARunNamesTheMissingCheckpoint) {
  motioncue::testing::TempDir tmp;
  std::filesystem::create_directories(tmp / "run");
  const auto r = run_cli("train --resume " + (tmp / "run").string());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("config.yaml"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::is_empty(tmp / "run"));
}

namespace {
// Lines of output that are not empty.
int output_lines(const std::string& output) {
  int lines = 0;
  bool any = false;
  for (const char c : output) {
    if (c == '\n') {
      lines += any;
      any = false;
    } else if (c != ' ') {
      any = true;
    }
  }
  return lines + any;
}
}  // namespace

// Settings out of range are refused before anything is made: one line naming the key, a
// non-zero exit, no run folder (they used to give a LibTorch backtrace, or a "best.ckpt" at step
// -1 that did not exist).
TEST(Cli, TrainingSettingsOutOfRangeAreOneLineErrorsAndLeaveNoFolder) {
  motioncue::testing::TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"train", "train.lr=-1"},
      {"train", "train.steps=-5"},
      {"train", "train.batch_size=0"},
      {"train", "train.lr=.nan"},
      {"refine", "refine.w_flow=-0.01"},
      {"refine", "refine.lr=0"},
      {"refine", "refine.max_root_turn_deg=360"}};
  for (const auto& [verb, setting] : cases) {
    const auto out = tmp / "run";
    const auto r = run_cli(verb + " --data " + tmp.path().string() + " --out " + out.string() +
                           (verb == "refine" ? " --init x.ckpt" : "") + " --set " + setting);
    const std::string key = setting.substr(0, setting.find('='));
    EXPECT_NE(r.exit_code, 0) << setting << ": " << r.output;
    EXPECT_NE(r.output.find(key), std::string::npos) << setting << ": " << r.output;
    EXPECT_EQ(output_lines(r.output), 1) << setting << ": " << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << setting;
  }
}

// A run that fails while it sets up (here: no benchmark in the data folder) leaves no folder
// behind, so the same command with the same --out can simply be run again.
TEST(Cli, ATrainingRunThatFailsBeforeItsFirstStepLeavesNothing) {
  motioncue::testing::TempDir tmp;
  const auto out = tmp / "run";
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto r = run_cli("train --data " + tmp.path().string() + " --out " + out.string());
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("not empty"), std::string::npos)
        << "attempt " << attempt << ": " << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << "attempt " << attempt;
  }
  // An empty folder the user made is emptied again, not removed.
  std::filesystem::create_directories(out);
  const auto r = run_cli("train --data " + tmp.path().string() + " --out " + out.string());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::is_directory(out));
  EXPECT_TRUE(std::filesystem::is_empty(out));
}

// eval names a split the benchmark lacks (it used to blame labeled/frames), and checks both
// output paths before evaluating, so a bad --save-predictions leaves no result JSON behind.
TEST(Cli, EvalNamesAMissingSplitAndChecksItsOutputsFirst) {
  motioncue::testing::TempDir tmp;
  std::ofstream(tmp / "benchmark.json") << "{}";
  for (const char* split : {"labeled", "val", "test"})
    std::filesystem::create_directories(tmp / split);
  const std::string common =
      "eval --checkpoint " + (tmp / "none.ckpt").string() + " --data " + tmp.path().string();
  const auto r = run_cli(common + " --split nosuch --out " + (tmp / "r.json").string());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("nosuch"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("val"), std::string::npos) << r.output;
  const auto bad = run_cli(common + " --out " + (tmp / "r.json").string() + " --save-predictions " +
                           (tmp / "no" / "p.npz").string());
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  EXPECT_NE(bad.output.find((tmp / "no").string()), std::string::npos) << bad.output;
  EXPECT_FALSE(std::filesystem::exists(tmp / "r.json"));
}
