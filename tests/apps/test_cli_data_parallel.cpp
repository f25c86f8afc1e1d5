// `train` and `refine` as ranks of a data-parallel launch: the same steps as one process with the
// whole batch, only rank 0 writing, and clear failures for what cannot work.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "../support/cli_fixtures.h"
#include "../support/run_cli.h"
#include "../support/temp_dir.h"
#include "motioncue/core/files.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"

namespace {

using motioncue::testing::run_cli;
namespace fs = std::filesystem;
namespace mm = motioncue::model;

// The anchor alone: its loss is a mean over the images of the batch, so half-batch means averaged
// over two ranks are the whole batch's mean. (The flow term averages over the batch's visible
// points, so its sharded form weights pairs a little differently, as any such loss under
// PyTorch's DistributedDataParallel does.)
std::string refine_settings(const fs::path& out) {
  return "refine --init " + motioncue::testing::trained_checkpoint().string() + " --data " +
         motioncue::testing::tiny_benchmark().string() + " --out " + out.string() +
         " --set labeled.count=-1 --set device=cpu --set refine.steps=10 --set refine.val_every=5"
         " --set refine.workers=0 --set refine.batch_size=16 --set refine.w_flow=0"
         " --set refine.augment=true";
}

// The largest difference between the weights of two network checkpoints.
double largest_checkpoint_difference(const fs::path& file_a, const fs::path& file_b) {
  const auto a = mm::load_checkpoint(file_a);
  const auto b = mm::load_checkpoint(file_b);
  std::map<std::string, at::Tensor> want;
  for (const auto& [name, t] : a.network->named_parameters()) want[name] = t;
  double largest = 0;
  for (const auto& [name, t] : b.network->named_parameters())
    largest = std::max(largest, (t - want.at(name)).abs().max().item<double>());
  return largest;
}

// The same for two runs' last checkpoints.
double largest_difference(const fs::path& run_a, const fs::path& run_b) {
  return largest_checkpoint_difference(run_a / "last.ckpt", run_b / "last.ckpt");
}

}  // namespace

TEST(DataParallel, TwoRanksOfEightTakeTheStepsOfOneRankOfSixteen) {
  motioncue::testing::TempDir tmp;
  const auto alone = run_cli(refine_settings(tmp / "alone"));
  ASSERT_EQ(alone.exit_code, 0) << alone.output;
  const auto pair = run_cli("launch --nproc 2 --master-port 0 -- " + refine_settings(tmp / "pair"));
  ASSERT_EQ(pair.exit_code, 0) << pair.output;
  EXPECT_LT(largest_difference(tmp / "alone", tmp / "pair"), 1e-5);
  // Rank 0 wrote the run; nobody else wrote into it.
  for (const char* file : {"best.ckpt", "last.ckpt", "curves.csv", "summary.json", "log.txt"})
    EXPECT_TRUE(fs::exists(tmp / "pair" / file)) << file;
  // `--quiet` before `launch` holds for the ranks: no progress bars from rank 0 either.
  EXPECT_EQ(pair.output.find("step/s"), std::string::npos) << pair.output;
  EXPECT_EQ(motioncue::read_file_text(tmp / "pair" / "curves.csv").substr(0, 20),
            motioncue::read_file_text(tmp / "alone" / "curves.csv").substr(0, 20));
}

TEST(DataParallel, WhatCannotWorkIsAClearError) {
  motioncue::testing::TempDir tmp;
  // A batch that does not split over the ranks.
  const auto odd = run_cli("launch --nproc 2 --master-port 0 -- " + refine_settings(tmp / "odd") +
                           " --set refine.batch_size=15");
  EXPECT_NE(odd.exit_code, 0) << odd.output;
  EXPECT_NE(odd.output.find("a multiple of 2"), std::string::npos) << odd.output;
  EXPECT_FALSE(fs::exists(tmp / "odd" / "best.ckpt"));

  // A peer that never comes: rank 0 gives up within the timeout and makes no run folder.
  const std::string cli = MOTIONCUE_CLI;
  const auto start = std::chrono::steady_clock::now();
  const std::string command =
      "RANK=0 WORLD_SIZE=2 MOTIONCUE_DIST_TIMEOUT=3 MOTIONCUE_RENDEZVOUS=file:" +
      (tmp / "store").string() + " " + cli + " --quiet " + refine_settings(tmp / "lonely") + " > " +
      (tmp / "lonely.txt").string() + " 2>&1";
  EXPECT_NE(std::system(command.c_str()), 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 60);
  const auto output = motioncue::read_file_text(tmp / "lonely.txt");
  EXPECT_NE(output.find("rank 0 of 2"), std::string::npos) << output;
  EXPECT_EQ(motioncue::testing::output_lines(output), 1) << output;
  EXPECT_FALSE(fs::exists(tmp / "lonely"));
}

// A data-parallel run stopped half-way and resumed by the same launch ends where the
// uninterrupted run ends; resumed by one process it does too (stream positions are global).
TEST(DataParallel, AStoppedRunResumesWithTheSameOrAnotherNumberOfRanks) {
  motioncue::testing::TempDir tmp;
  const std::string launch = "launch --nproc 2 --master-port 0 -- ";
  ASSERT_EQ(run_cli(launch + refine_settings(tmp / "whole")).exit_code, 0);
  const auto stopped = run_cli(launch + refine_settings(tmp / "stopped_pair") + " --stop-after 5");
  ASSERT_EQ(stopped.exit_code, 0) << stopped.output;
  ASSERT_FALSE(fs::exists(tmp / "stopped_pair" / "summary.json"));
  fs::copy(tmp / "stopped_pair", tmp / "stopped_alone", fs::copy_options::recursive);
  for (const std::string how : {"pair", "alone"}) {
    const auto run = tmp / ("stopped_" + how);
    const auto resumed =
        run_cli((how == "pair" ? launch : std::string()) + "refine --resume " + run.string());
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_LT(largest_difference(tmp / "whole", run), 1e-5) << how;
  }
}

// torchrun's situation: two ranks started separately, one killed (-9) in mid-training. The
// survivor stops within the timeout with one line that says why, and the run folder it leaves
// resumes to the end.
TEST(DataParallel, ARankKilledInMidTrainingStopsTheOtherAndTheRunResumes) {
  motioncue::testing::TempDir tmp;
  const std::string cli = MOTIONCUE_CLI;
  const auto run = tmp / "run";
  const std::string env = "WORLD_SIZE=2 MOTIONCUE_DIST_TIMEOUT=20 MOTIONCUE_RENDEZVOUS=file:" +
                          (tmp / "store").string() + " ";
  const std::string settings = refine_settings(run) + " --set refine.steps=2000";
  // Rank 1 is killed once rank 0 has written its first checkpoint (step 5).
  const std::string script =
      "RANK=0 " + env + cli + " --quiet " + settings + " > " + (tmp / "rank0.txt").string() +
      " 2>&1 & r0=$!\n" + "RANK=1 " + env + cli + " --quiet " + settings +
      " > /dev/null 2>&1 & r1=$!\n" + "for i in $(seq 1 1200); do [ -f " +
      (run / "last.ckpt").string() + " ] && break; sleep 0.05; done\n" + "kill -9 $r1\n" +
      "start=$(date +%s)\n" + "wait $r0\n" + "echo $? $(( $(date +%s) - start )) > " +
      (tmp / "result.txt").string() + "\n";
  motioncue::write_file_atomic(tmp / "kill.sh", script);
  ASSERT_EQ(std::system(("bash " + (tmp / "kill.sh").string()).c_str()), 0);
  const auto result = motioncue::read_file_text(tmp / "result.txt");
  const int code = std::stoi(result);
  const int seconds = std::stoi(result.substr(result.find(' ')));
  const auto output = motioncue::read_file_text(tmp / "rank0.txt");
  EXPECT_NE(code, 0) << output;
  EXPECT_LE(seconds, 50) << output;
  // The run's own log lines come first; the error is the last line, without a backtrace.
  const auto last_line = output.substr(output.find_last_of('\n', output.size() - 2) + 1);
  EXPECT_NE(last_line.find("rank 0 of 2"), std::string::npos) << output;
  EXPECT_NE(last_line.find("another rank died"), std::string::npos) << output;
  EXPECT_EQ(output.find("frame #"), std::string::npos) << output;
  ASSERT_TRUE(fs::exists(run / "last.ckpt"));
  EXPECT_FALSE(fs::exists(run / "summary.json"));
  // The checkpoint left behind is whole: the run resumes (alone) and finishes.
  const auto resumed = run_cli("refine --resume " + run.string() + " --stop-after 20");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
}

// An experiment under `launch`: every baseline and arm runs data-parallel and rank 0 writes the
// results. Each run equals what its verb gives from the recorded settings: `launch -- train` for
// the baseline (BatchNorm trains there, on each rank's half-batch), one-process `refine` for the
// arm (BatchNorm frozen, so the global batch's step).
TEST(DataParallel, AnExperimentRunsEveryArmDataParallel) {
  motioncue::testing::TempDir tmp;
  const auto spec = tmp / "spec.yaml";
  motioncue::write_file_atomic(
      spec,
      "name: data-parallel check\n"
      "seeds: [0]\n"
      "labeled_counts: [8]\n"
      "train:\n"
      "  model: {resolution: 32}\n"
      "  train: {steps: 6, batch_size: 4, val_every: 3, log_every: 3, workers: 0, augment: true}\n"
      "  device: cpu\n"
      "refine:\n"
      "  refine: {steps: 4, batch_size: 4, pair_batch: 2, val_every: 2, log_every: 2, workers: 0,"
      " flow: oracle, augment: true}\n"
      "  device: cpu\n"
      "arms:\n"
      "  control: {refine: {w_flow: 0.0}}\n");
  const std::string launch = "launch --nproc 2 --master-port 0 -- ";
  const std::string experiment = "experiment --spec " + spec.string() + " --data " +
                                 motioncue::testing::tiny_benchmark().string() + " --out ";
  const auto pair = run_cli(launch + experiment + (tmp / "pair").string());
  ASSERT_EQ(pair.exit_code, 0) << pair.output;
  EXPECT_TRUE(fs::exists(tmp / "pair" / "results.md"));
  const auto runs = tmp / "pair" / "labeled_8" / "seed_0";
  for (const char* arm : {"baseline", "control"})
    EXPECT_TRUE(fs::exists(runs / arm / "test.json")) << arm;

  const auto train =
      run_cli(launch + "train --config " + (runs / "baseline" / "config.yaml").string() +
              " --out " + (tmp / "baseline").string());
  ASSERT_EQ(train.exit_code, 0) << train.output;
  EXPECT_LT(largest_difference(tmp / "baseline", runs / "baseline"), 1e-6);
  const auto refine = run_cli("refine --config " + (runs / "control" / "config.yaml").string() +
                              " --out " + (tmp / "control").string());
  ASSERT_EQ(refine.exit_code, 0) << refine.output;
  EXPECT_LT(largest_difference(tmp / "control", runs / "control"), 1e-5);

  // The ranks reach the trainers: a batch that does not split over them is refused.
  auto text = motioncue::read_file_text(spec);
  text.replace(text.find("batch_size: 4"), 13, "batch_size: 3");
  motioncue::write_file_atomic(tmp / "odd.yaml", text);
  const auto odd =
      run_cli(launch + "experiment --spec " + (tmp / "odd.yaml").string() + " --data " +
              motioncue::testing::tiny_benchmark().string() + " --out " + (tmp / "odd").string());
  EXPECT_NE(odd.exit_code, 0) << odd.output;
  EXPECT_NE(odd.output.find("a multiple of 2"), std::string::npos) << odd.output;
}

// The per-step losses temporal train logged (curves.csv "loss" with temporal.log_every=1; in a
// group, the ranks' mean).
std::vector<double> temporal_losses(const fs::path& run) {
  std::istringstream csv(motioncue::read_file_text(run / "curves.csv"));
  std::string line, cell;
  std::getline(csv, line);
  std::istringstream header(line);
  int column = 0;
  while (std::getline(header, cell, ',') && cell != "loss") ++column;
  std::vector<double> losses;
  while (std::getline(csv, line)) {
    std::istringstream row(line);
    for (int c = 0; c <= column; ++c) std::getline(row, cell, ',');
    if (!cell.empty()) losses.push_back(std::stod(cell));
  }
  return losses;
}

// temporal train under `launch`: the ranks train the context network together and rank 0
// reports; stopped and resumed by the same launch, the run logs the losses of the uninterrupted
// launch. (Its flow term averages over the batch's visible points, so unlike the anchor-only
// refinement above, 2 ranks of 2 clips weight the pairs a little differently from 1 process of 4.)
TEST(DataParallel, TemporalTrainRunsAndResumesDataParallel) {
  motioncue::testing::TempDir tmp;
  const std::string args = " --init " + motioncue::testing::trained_checkpoint().string() +
                           " --data " + motioncue::testing::tiny_benchmark().string() +
                           " --frames 2 --steps 4 --device cpu --flow oracle --seed 4 "
                           "--set temporal.log_every=1";
  const std::string batch = " --batch-size 4";
  const std::string launch = "launch --nproc 2 --master-port 0 -- ";
  const auto pair =
      run_cli(launch + "temporal train --out " + (tmp / "pair").string() + args + batch);
  ASSERT_EQ(pair.exit_code, 0) << pair.output;
  const auto two = temporal_losses(tmp / "pair");
  ASSERT_EQ(two.size(), 4u);
  EXPECT_NE(two.front(), two.back()) << "the context network trained";
  // One rank reports.
  const std::string report = "best validation PA-MPJPE";
  ASSERT_NE(pair.output.find(report), std::string::npos) << pair.output;
  EXPECT_EQ(pair.output.find(report), pair.output.rfind(report)) << pair.output;

  // Stopped and resumed by the same launch: the same losses as the uninterrupted launch.
  const auto stopped = run_cli(launch + "temporal train --out " + (tmp / "stopped").string() +
                               args + batch + " --stop-after 2");
  ASSERT_EQ(stopped.exit_code, 0) << stopped.output;
  const auto resumed = run_cli(launch + "temporal train --resume " + (tmp / "stopped").string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(temporal_losses(tmp / "stopped"), two);

  const auto odd =
      run_cli(launch + "temporal train --out " + (tmp / "odd").string() + args + " --batch-size 3");
  EXPECT_NE(odd.exit_code, 0) << odd.output;
  EXPECT_NE(odd.output.find("a multiple of 2"), std::string::npos) << odd.output;
}
