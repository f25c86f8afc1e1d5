// run_refinement end to end with the benchmark's exact (oracle) flow, and its refusals of missing
// inputs.
#include <gtest/gtest.h>

#include <numeric>
#include <string>

#include "motioncue/core/run_dir.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/train/trainers.h"
#include "tiny_benchmark.h"

namespace fs = std::filesystem;
namespace mm = motioncue::model;
using motioncue::testing::TempDir;

namespace {

using motioncue::testing::initial_checkpoint;

double mean(std::vector<double>::const_iterator begin, std::vector<double>::const_iterator end) {
  return std::accumulate(begin, end, 0.0) / static_cast<double>(end - begin);
}

std::string error_of(const motioncue::Config& config, const motioncue::RunDir& run) {
  try {
    motioncue::train::run_refinement(config, run);
  } catch (const motioncue::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(RunRefinement, OracleFlowTermFallsOverAFewDozenSteps) {
  TempDir dir;
  motioncue::Config config = motioncue::testing::small_refinement_config(
      motioncue::testing::tiny_benchmark(), initial_checkpoint(dir.path()));
  const int steps = 40;
  config.set("refine.steps=" + std::to_string(steps));
  config.set("refine.batch_size=4");
  config.set("refine.pair_batch=4");
  config.set("refine.lr=1e-4");
  config.set("refine.w_frame=0");
  config.set("refine.w_flow=1");
  config.set("refine.color_gains=false");
  config.set("refine.log_every=1");
  config.set("refine.val_every=1000");
  const motioncue::RunDir run(dir / "run");
  const motioncue::train::TrainSummary summary = motioncue::train::run_refinement(config, run);
  EXPECT_EQ(summary.steps, steps);

  const auto curves = motioncue::testing::read_curves(run / "curves.csv");
  ASSERT_EQ(curves.count("flow"), 1u);
  const auto flow = motioncue::testing::present(curves.at("flow"));
  ASSERT_EQ(static_cast<int>(flow.size()), steps);
  const double first = mean(flow.begin(), flow.begin() + 5);
  const double last = mean(flow.end() - 5, flow.end());
  EXPECT_GT(first, 0.0);
  EXPECT_LT(last, 0.5 * first) << "first 5 steps " << first << ", last 5 steps " << last;
  EXPECT_EQ(curves.count("supervised"), 0u);  // w_frame 0: no anchor computed
}

TEST(RunRefinement, MissingInitCheckpointIsAnErrorNamingIt) {
  TempDir dir;
  const fs::path missing = dir / "no_such.ckpt";
  const motioncue::Config config =
      motioncue::testing::small_refinement_config(motioncue::testing::tiny_benchmark(), missing);
  const motioncue::RunDir run(dir / "run");
  const std::string message = error_of(config, run);
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
}

TEST(RunRefinement, DataWithoutTheUnlabeledSplitIsAnErrorNamingIt) {
  TempDir dir;
  const fs::path data = dir / "data";
  fs::create_directories(data);
  for (const char* split : {"labeled", "val"})
    fs::create_directory_symlink(motioncue::testing::tiny_benchmark() / split, data / split);
  motioncue::Config config =
      motioncue::testing::small_refinement_config(data, initial_checkpoint(dir.path()));
  config.set("refine.w_flow=0.01");
  const motioncue::RunDir run(dir / "run");
  const std::string message = error_of(config, run);
  EXPECT_NE(message.find((data / "unlabeled").string()), std::string::npos) << message;
}

namespace {

// A refinement with both terms, colour gains and anchor augmentation on (the data streams must
// continue, draws included), validating every 4 steps and logging every 2.
motioncue::Config resumable_refinement(const fs::path& init) {
  motioncue::Config config =
      motioncue::testing::small_refinement_config(motioncue::testing::tiny_benchmark(), init);
  config.set("refine.steps=8");
  config.set("refine.batch_size=2");
  config.set("refine.pair_batch=2");
  config.set("refine.lr=1e-4");
  config.set("refine.w_flow=1");
  config.set("refine.log_every=2");
  config.set("refine.val_every=4");
  return config;
}

}  // namespace

// Refinement resumes like training (one mechanism, train/training_loop.h): stopped after a
// validation (4), between validations (2) or before the first logged row (1), then resumed, it
// ends with the weights, checkpoints and model selection of an uninterrupted run.
TEST(RunRefinement, StoppedAndResumedRunEqualsAnUninterruptedOne) {
  TempDir dir;
  const motioncue::Config config = resumable_refinement(initial_checkpoint(dir.path()));
  const motioncue::RunDir straight = motioncue::testing::recorded_run(dir / "straight", config);
  const auto full = motioncue::train::run_refinement(config, straight);
  ASSERT_TRUE(full.finished);
  for (const int stop : {4, 2, 1}) {
    SCOPED_TRACE(stop);
    const motioncue::RunDir halves =
        motioncue::testing::recorded_run(dir / ("stopped_at_" + std::to_string(stop)), config);
    const auto first = motioncue::train::run_refinement(config, halves, {false, stop});
    EXPECT_FALSE(first.finished);
    EXPECT_EQ(first.steps, stop);
    EXPECT_FALSE(fs::exists(halves / "summary.json"));
    const auto second = motioncue::train::run_refinement(config, halves, {true, 0});
    EXPECT_TRUE(second.finished);
    EXPECT_EQ(second.steps, 8);
    motioncue::testing::expect_same_weights(straight / "last.ckpt", halves / "last.ckpt");
    motioncue::testing::expect_same_weights(straight / "best.ckpt", halves / "best.ckpt");
    EXPECT_EQ(second.best_step, full.best_step);
    EXPECT_EQ(second.best_val_pa_mpjpe, full.best_val_pa_mpjpe);
    if (stop % 2 == 0) {  // a logged step: the curves are the uninterrupted run's, step 0 included
      EXPECT_EQ(motioncue::read_file_text(straight / "curves.csv"),
                motioncue::read_file_text(halves / "curves.csv"));
    }
  }
  // A finished refinement has nothing to resume.
  const std::string message = [&] {
    try {
      motioncue::train::run_refinement(config, straight, {true, 0});
    } catch (const motioncue::Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  }();
  EXPECT_NE(message.find("last.ckpt"), std::string::npos) << message;
  EXPECT_NE(message.find("already finished"), std::string::npos) << message;
}
