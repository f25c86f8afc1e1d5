#include <gtest/gtest.h>

#include <filesystem>

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

TEST(Cli, UnknownVerbFails) {
  const auto r = run_cli("frobnicate");
  EXPECT_NE(r.exit_code, 0) << r.output;
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
