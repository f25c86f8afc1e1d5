// run_training end to end on a tiny benchmark: it can overfit a few images, and it leaves the
// run folder users read (curves.csv, summary.json, the checkpoints).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <numeric>

#include "motioncue/core/files.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/train/trainers.h"
#include "tiny_benchmark.h"

namespace fs = std::filesystem;
using motioncue::testing::expect_same_weights;
using motioncue::testing::recorded_run;
using motioncue::testing::TempDir;

TEST(RunTraining, OverfitsFourImagesWithoutAugmentation) {
  TempDir dir;
  motioncue::Config config =
      motioncue::testing::small_training_config(motioncue::testing::tiny_benchmark());
  const int steps = 150;
  config.set("train.steps=" + std::to_string(steps));
  config.set("train.batch_size=4");
  config.set("train.lr=1e-4");
  config.set("train.augment=false");
  config.set("train.log_every=1");
  config.set("train.val_every=" + std::to_string(steps));
  const motioncue::RunDir run(dir / "run");
  const motioncue::train::TrainSummary summary = motioncue::train::run_training(config, run);

  const auto curves = motioncue::testing::read_curves(run / "curves.csv");
  const auto loss = motioncue::testing::present(curves.at("loss"));
  ASSERT_EQ(static_cast<int>(loss.size()), steps);
  const double start = loss.front();
  const double end = std::accumulate(loss.end() - 10, loss.end(), 0.0) / 10;
  EXPECT_LT(end, 0.1 * start) << "start " << start << ", mean of the last 10 steps " << end;

  // The validation row carries the facing diagnostics (eval/facing.h) next to val_pa_mpjpe.
  const double val_mpjpe = motioncue::testing::present(curves.at("val_mpjpe")).at(0);
  for (const char* column : {"val_mpjpe_rot", "val_facing_away", "val_facing_away_gt",
                             "val_facing_wrong", "val_facing_flips", "val_facing_turn_deg"}) {
    ASSERT_TRUE(curves.count(column)) << column;
    const auto values = motioncue::testing::present(curves.at(column));
    ASSERT_EQ(values.size(), 1u) << column;
    if (std::string(column) == "val_mpjpe_rot") {
      EXPECT_LE(values[0], val_mpjpe * (1 + 1e-5)) << "the identity is a candidate rotation";
    } else if (std::string(column) != "val_facing_turn_deg") {
      EXPECT_TRUE(values[0] >= 0 && values[0] <= 1) << column << " " << values[0];
    }
  }

  EXPECT_EQ(summary.steps, steps);
  EXPECT_EQ(summary.best_step, steps);  // the only validation
  EXPECT_TRUE(fs::exists(summary.best_checkpoint));
  EXPECT_TRUE(fs::exists(summary.last_checkpoint));
  const auto json = nlohmann::json::parse(motioncue::read_file_text(run / "summary.json"));
  EXPECT_EQ(json.at("steps").get<long>(), steps);
  EXPECT_NEAR(json.at("best_val_pa_mpjpe").get<double>(), summary.best_val_pa_mpjpe, 1e-9);
  EXPECT_TRUE(fs::exists(run / "labeled_indices.npy"));
}

namespace {

motioncue::Config resumable_config() {
  motioncue::Config config =
      motioncue::testing::small_training_config(motioncue::testing::tiny_benchmark());
  config.set("train.steps=12");
  config.set("train.batch_size=3");
  config.set("train.lr=3e-4");
  config.set("train.lr_schedule=cosine");  // the saved rate must not leak into the schedule
  config.set("train.augment=true");        // the data stream must continue, draws included
  config.set("train.log_every=2");
  config.set("train.val_every=4");
  return config;
}

}  // namespace

TEST(RunTraining, StoppedAndResumedRunEqualsAnUninterruptedOne) {
  TempDir dir;
  const motioncue::Config config = resumable_config();
  const motioncue::RunDir straight = recorded_run(dir / "straight", config);
  const auto full = motioncue::train::run_training(config, straight);
  // Stopped after a validation (8), before the first one (2: no best checkpoint yet), and before
  // the first logged row (1: no curves.csv yet; resuming it once failed on the missing file).
  for (const int stop : {8, 2, 1}) {
    SCOPED_TRACE(stop);
    const motioncue::RunDir halves =
        recorded_run(dir / ("stopped_at_" + std::to_string(stop)), config);
    const auto first = motioncue::train::run_training(config, halves, {false, stop});
    EXPECT_FALSE(first.finished);
    EXPECT_EQ(first.steps, stop);
    EXPECT_FALSE(fs::exists(halves / "summary.json"));  // an unfinished run has no summary
    const auto second = motioncue::train::run_training(config, halves, {true, 0});
    EXPECT_TRUE(second.finished);

    expect_same_weights(straight / "last.ckpt", halves / "last.ckpt");
    expect_same_weights(straight / "best.ckpt", halves / "best.ckpt");
    EXPECT_EQ(second.best_step, full.best_step);
    EXPECT_EQ(second.best_val_pa_mpjpe, full.best_val_pa_mpjpe);
    // From a step that is not a logged one, the first row after it averages fewer steps.
    if (stop % 2 == 0)
      EXPECT_EQ(motioncue::read_file_text(straight / "curves.csv"),
                motioncue::read_file_text(halves / "curves.csv"));
    else
      EXPECT_TRUE(fs::exists(halves / "curves.csv"));
  }
}

TEST(RunTraining, ResumeDropsCurveRowsLoggedAfterTheCheckpoint) {
  TempDir dir;
  const motioncue::Config config = resumable_config();
  const motioncue::RunDir straight = recorded_run(dir / "straight", config),
                          run = recorded_run(dir / "run", config);
  motioncue::train::run_training(config, straight);
  // Stopped at step 4, where the checkpoint is; a run killed later leaves rows after it (here a
  // copy of the last row as step 6), which the resumed run must drop and log again.
  motioncue::train::run_training(config, run, {false, 4});
  const std::string curves = motioncue::read_file_text(run / "curves.csv");
  const auto last_line = curves.rfind('\n', curves.size() - 2) + 1;
  const std::string last_row = curves.substr(last_line);
  motioncue::write_file_atomic(run / "curves.csv",
                               curves + "6" + last_row.substr(last_row.find(',')));
  motioncue::train::run_training(config, run, {true, 0});
  EXPECT_EQ(motioncue::read_file_text(straight / "curves.csv"),
            motioncue::read_file_text(run / "curves.csv"));
}

TEST(RunTraining, ResumeRefusesFinishedRunsAndRunsWithoutACheckpoint) {
  TempDir dir;
  const motioncue::Config config = resumable_config();
  const motioncue::RunDir finished = recorded_run(dir / "finished", config), empty(dir / "empty");
  motioncue::train::run_training(config, finished);
  EXPECT_THROW(motioncue::train::run_training(config, finished, {true, 0}), motioncue::Error);
  try {
    motioncue::train::run_training(config, empty, {true, 0});
    FAIL() << "resumed a run without a checkpoint";
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("last.ckpt"), std::string::npos) << e.what();
  }
}
