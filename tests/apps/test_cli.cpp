#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../support/cli_fixtures.h"
#include "../support/pretrained_models.h"
#include "../support/run_cli.h"
#include "../support/temp_dir.h"
#include "motioncue/core/files.h"

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

using motioncue::testing::output_lines;

// Settings out of range are refused before anything is made: one line naming the key, a
// non-zero exit, no run folder (they used to give a LibTorch backtrace, or a "best.ckpt" at step
// -1 that did not exist). Every range and name is checked in tests/train/test_options.cpp; here
// one setting of each verb goes through the CLI.
TEST(Cli, TrainingSettingsOutOfRangeAreOneLineErrorsAndLeaveNoFolder) {
  motioncue::testing::TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"train", "train.lr=.nan"}, {"refine", "refine.max_root_turn_deg=360"}};
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

using motioncue::testing::quick;
using motioncue::testing::tiny_benchmark;
using motioncue::testing::trained_checkpoint;

// `--stop-after 1` stops both training verbs before their first validation and logged row; the
// "continue with" line they print works (the baseline's resume once failed on the missing
// curves.csv), and a refinement resumes like a baseline.
TEST(Cli, TrainAndRefineStoppedAtStepOneContinueWithTheCommandTheyPrint) {
  motioncue::testing::TempDir tmp;
  const std::string data = tiny_benchmark().string();
  const auto train = tmp / "train", refine = tmp / "refine";
  const std::vector<std::pair<std::string, std::string>> starts = {
      {"train", "train --data " + data + " --out " + train.string() + quick("train")},
      {"refine", "refine --data " + data + " --init " + trained_checkpoint().string() + " --out " +
                     refine.string() + quick("refine")}};
  for (const auto& [verb, start] : starts) {
    SCOPED_TRACE(verb);
    const auto run = verb == "train" ? train : refine;
    const auto stopped = run_cli(start + " --stop-after 1");
    EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
    const std::string command = "motioncue " + verb + " --resume " + run.string();
    EXPECT_NE(stopped.output.find("continue with: " + command), std::string::npos)
        << stopped.output;
    EXPECT_FALSE(std::filesystem::exists(run / "summary.json"));
    const auto changed = run_cli(verb + " --resume " + run.string() + " --set " + verb + ".lr=1");
    EXPECT_NE(changed.exit_code, 0) << changed.output;
    EXPECT_NE(changed.output.find("recorded settings"), std::string::npos) << changed.output;
    const auto resumed = run_cli(verb + " --resume " + run.string());
    EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_NE(resumed.output.find("best validation PA-MPJPE"), std::string::npos) << resumed.output;
    EXPECT_TRUE(std::filesystem::exists(run / "summary.json"));
    EXPECT_TRUE(std::filesystem::exists(run / "curves.csv"));
  }
}

// The user's path to the 2D keypoint term on their videos: `flow --data <split> --keypoints`
// stores a detector's keypoints per frame and puts the flow where `refine` looks (the benchmark
// root's cache, not the split's), and `refine` trains on those keypoints by the model's name.
TEST(Cli, FlowStoresDetectorKeypointsThatRefineTrainsOn) {
  MOTIONCUE_PRETRAINED_MODEL(model, "movenet-lightning");
  motioncue::testing::TempDir tmp;
  const auto data = tmp / "bench";
  std::filesystem::copy(tiny_benchmark(), data, std::filesystem::copy_options::recursive);
  const auto flow = run_cli("flow --data " + (data / "unlabeled").string() +
                            " --resolution 64 --keypoints movenet-lightning");
  ASSERT_EQ(flow.exit_code, 0) << flow.output;
  EXPECT_TRUE(std::filesystem::is_directory(data / ".flow_cache")) << flow.output;
  EXPECT_FALSE(std::filesystem::exists(data / "unlabeled" / ".flow_cache"));
  int files = 0;
  for (const auto& seq : std::filesystem::directory_iterator(data / "unlabeled"))
    if (seq.is_directory() && seq.path().filename().string()[0] != '.') {
      EXPECT_TRUE(
          std::filesystem::is_regular_file(seq.path() / "keypoints" / "movenet-lightning.npy"))
          << seq.path();
      ++files;
    }
  EXPECT_GT(files, 0);

  const std::string refine = "refine --data " + data.string() + " --init " +
                             trained_checkpoint().string() + quick("refine") +
                             " --set refine.w_flow=0 --set refine.w_keypoints=1";
  const auto missing = run_cli(refine + " --out " + (tmp / "r0").string() +
                               " --set refine.keypoints=movenet-thunder");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("movenet-thunder.npy"), std::string::npos) << missing.output;
  EXPECT_FALSE(std::filesystem::exists(tmp / "r0"));
  const auto run = tmp / "r1";
  const auto refined =
      run_cli(refine + " --out " + run.string() + " --set refine.keypoints=movenet-lightning");
  ASSERT_EQ(refined.exit_code, 0) << refined.output;
  const std::string curves = motioncue::read_file_text(run / "curves.csv");
  EXPECT_NE(curves.find("keypoints"), std::string::npos) << curves;
}

// `flow --data` computes the flow at the crop size refine will look up: the --init network's
// input size, else the training default; an explicit --resolution of that size then finds every
// pair cached.
TEST(Cli, FlowTakesItsCropSizeFromTheCheckpointRefineWillRefine) {
  motioncue::testing::TempDir tmp;
  const auto data = tmp / "bench";
  std::filesystem::copy(tiny_benchmark(), data, std::filesystem::copy_options::recursive);
  const std::string flow = "flow --estimator dis-fast --data " + (data / "unlabeled").string();
  const auto from_checkpoint = run_cli(flow + " --init " + trained_checkpoint().string());
  ASSERT_EQ(from_checkpoint.exit_code, 0) << from_checkpoint.output;
  EXPECT_NE(from_checkpoint.output.find("32x32 crops"), std::string::npos)
      << from_checkpoint.output;
  EXPECT_NE(from_checkpoint.output.find("0 flows cached already"), std::string::npos)
      << from_checkpoint.output;
  const auto again = run_cli(flow + " --resolution 32");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find(" 0 computed"), std::string::npos) << again.output;
  const auto by_default = run_cli(flow);
  ASSERT_EQ(by_default.exit_code, 0) << by_default.output;
  EXPECT_NE(by_default.output.find("128x128 crops"), std::string::npos) << by_default.output;
  const auto no_data = run_cli("flow --init " + trained_checkpoint().string());
  EXPECT_NE(no_data.exit_code, 0);
  EXPECT_NE(no_data.output.find("--init needs --data"), std::string::npos) << no_data.output;
}

// temporal train refuses a folder that holds something (a finished run of its own, a baseline's)
// before loading anything, and leaves no folder behind when it fails.
TEST(Cli, TemporalTrainRefusesAFolderThatHoldsARun) {
  motioncue::testing::TempDir tmp;
  const std::string data = tiny_benchmark().string(), init = trained_checkpoint().string();
  const auto out = tmp / "context";
  const std::string args = " --frames 2 --steps 2 --batch-size 1 --device cpu --flow oracle";
  const auto first = run_cli("temporal train --init " + init + " --data " + data + " --out " +
                             out.string() + args);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const std::string written = motioncue::read_file_text(out / "curves.csv");
  for (const auto& folder : {out, trained_checkpoint().parent_path()}) {
    SCOPED_TRACE(folder.string());
    const auto again = run_cli("temporal train --init " + init + " --data " + data + " --out " +
                               folder.string() + args);
    EXPECT_NE(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find(folder.string()), std::string::npos) << again.output;
    EXPECT_NE(again.output.find("not empty"), std::string::npos) << again.output;
    EXPECT_EQ(output_lines(again.output), 1) << again.output;
  }
  EXPECT_EQ(motioncue::read_file_text(out / "curves.csv"), written);
  EXPECT_FALSE(std::filesystem::exists(trained_checkpoint().parent_path() / "best_context.pt"));
  // A run that fails (no such checkpoint) leaves no folder behind.
  const auto failed = run_cli("temporal train --init " + (tmp / "missing.ckpt").string() +
                              " --data " + data + " --out " + (tmp / "other").string() + args);
  EXPECT_NE(failed.exit_code, 0) << failed.output;
  EXPECT_NE(failed.output.find("missing.ckpt"), std::string::npos) << failed.output;
  EXPECT_FALSE(std::filesystem::exists(tmp / "other"));
}

// Two processes of one seed write the same curves and weights to the last bit (they once differed
// from step 2 on: the context network drew its initial weights before the seed was set).
TEST(Cli, TemporalTrainRepeatsExactlyAcrossProcesses) {
  motioncue::testing::TempDir tmp;
  const std::string args = " --init " + trained_checkpoint().string() + " --data " +
                           tiny_benchmark().string() +
                           " --frames 2 --steps 3 --batch-size 1 --device cpu --flow oracle "
                           "--seed 4 --lr-network 1e-4";
  const auto first = run_cli("temporal train --out " + (tmp / "a").string() + args);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto second = run_cli("temporal train --out " + (tmp / "b").string() + args);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  for (const char* file : {"curves.csv", "last_context.pt"})
    EXPECT_EQ(motioncue::read_file_text(tmp / "a" / file),
              motioncue::read_file_text(tmp / "b" / file))
        << file;
}

// temporal train is resumable like train: --stop-after 1 leaves a resume point and prints the
// command that continues it; that command, with the recorded settings, writes the curves an
// uninterrupted run of the same seed writes. It refuses new settings, a finished run and a folder
// without a resume point, each in one line naming the file.
TEST(Cli, TemporalTrainStopsAndResumesWithThePrintedCommand) {
  motioncue::testing::TempDir tmp;
  const std::string data = tiny_benchmark().string(), init = trained_checkpoint().string();
  const std::string args = " --init " + init + " --data " + data +
                           " --frames 2 --steps 2 --batch-size 1 --device cpu --flow oracle "
                           "--seed 4 --lr-network 1e-4 --flow-weight 0.02 "
                           "--set temporal.log_every=1";
  const auto whole = tmp / "whole", run = tmp / "run";
  const auto uninterrupted = run_cli("temporal train --out " + whole.string() + args);
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.output;
  const auto stopped = run_cli("temporal train --out " + run.string() + args + " --stop-after 1");
  ASSERT_EQ(stopped.exit_code, 0) << stopped.output;
  EXPECT_FALSE(std::filesystem::exists(run / "summary.json"));
  const std::string prefix = "continue with: motioncue ";
  const auto at = stopped.output.find(prefix);
  ASSERT_NE(at, std::string::npos) << stopped.output;
  const auto begin = at + prefix.size();
  const std::string command =
      stopped.output.substr(begin, stopped.output.find('\n', begin) - begin);
  EXPECT_EQ(command, "temporal train --resume " + run.string());
  const auto changed = run_cli(command + " --steps 5");
  EXPECT_NE(changed.exit_code, 0) << changed.output;
  EXPECT_NE(changed.output.find("recorded settings"), std::string::npos) << changed.output;
  const auto resumed = run_cli(command);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  // The resumed curves have every step, bit-identical to the uninterrupted run's.
  EXPECT_EQ(motioncue::read_file_text(run / "curves.csv"),
            motioncue::read_file_text(whole / "curves.csv"));
  EXPECT_NE(motioncue::read_file_text(run / "config.yaml").find("w_flow: 0.02"), std::string::npos);
  for (const char* file : {"best.ckpt", "best_context.pt", "last.ckpt", "last_context.pt"})
    EXPECT_TRUE(std::filesystem::exists(run / file)) << file;
  const auto again = run_cli(command);
  EXPECT_NE(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find((run / "last.ckpt").string()), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("already finished"), std::string::npos) << again.output;
  EXPECT_EQ(output_lines(again.output), 1) << again.output;
  // A run folder (its recorded settings) without a resume point.
  const auto bare = tmp / "bare";
  std::filesystem::create_directories(bare);
  std::filesystem::copy_file(whole / "config.yaml", bare / "config.yaml");
  const auto nothing = run_cli("temporal train --resume " + bare.string());
  EXPECT_NE(nothing.exit_code, 0) << nothing.output;
  EXPECT_NE(nothing.output.find((bare / "last.ckpt").string()), std::string::npos)
      << nothing.output;
  EXPECT_EQ(output_lines(nothing.output), 1) << nothing.output;
}

// A misspelt key, a value out of range or an unknown name in the last arm of an experiment is
// one line naming the spec, the arm and the key, before the first baseline trains.
TEST(Cli, ExperimentWithATypoInItsLastArmFailsBeforeTheFirstRun) {
  motioncue::testing::TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> typos = {
      {"refine.w_flwo", "{refine: {w_flwo: 0.01}}"},
      {"refine.w_flow", "{refine: {w_flow: -1}}"},
      {"refine.flow", "{refine: {flow: dis-mediun}}"}};
  for (const auto& [key, overrides] : typos) {
    SCOPED_TRACE(key);
    const auto spec = tmp / "spec.yaml";
    std::ofstream(spec) << "name: typo\nseeds: [0]\nlabeled_counts: [4]\n"
                        << "train: {train: {steps: 1}}\n"
                        << "arms:\n  control: {refine: {w_flow: 0}}\n  flow: " << overrides << "\n";
    const auto out = tmp / "out";
    const auto r = run_cli("experiment --spec " + spec.string() + " --data " +
                           tiny_benchmark().string() + " --out " + out.string());
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(spec.string() + ", arm 'flow': " + key + ":"), std::string::npos)
        << r.output;
    EXPECT_EQ(output_lines(r.output), 1) << r.output;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}
