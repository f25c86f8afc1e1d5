// `train` and `refine` as ranks of a data-parallel launch: the same steps as one process with the
// whole batch, only rank 0 writing, and clear failures for what cannot work.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
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

// The largest difference between the weights of two runs' last checkpoints.
double largest_difference(const fs::path& run_a, const fs::path& run_b) {
  const auto a = mm::load_checkpoint(run_a / "last.ckpt");
  const auto b = mm::load_checkpoint(run_b / "last.ckpt");
  std::map<std::string, at::Tensor> want;
  for (const auto& [name, t] : a.network->named_parameters()) want[name] = t;
  double largest = 0;
  for (const auto& [name, t] : b.network->named_parameters())
    largest = std::max(largest, (t - want.at(name)).abs().max().item<double>());
  return largest;
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
