// run_training end to end on a tiny benchmark: it can overfit a few images, and it leaves the
// run folder users read (curves.csv, summary.json, the checkpoints).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <numeric>

#include "motioncue/core/run_dir.h"
#include "motioncue/train/trainers.h"
#include "tiny_benchmark.h"

namespace fs = std::filesystem;
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

  EXPECT_EQ(summary.steps, steps);
  EXPECT_EQ(summary.best_step, steps);  // the only validation
  EXPECT_TRUE(fs::exists(summary.best_checkpoint));
  EXPECT_TRUE(fs::exists(summary.last_checkpoint));
  const auto json = nlohmann::json::parse(motioncue::read_file_text(run / "summary.json"));
  EXPECT_EQ(json.at("steps").get<long>(), steps);
  EXPECT_NEAR(json.at("best_val_pa_mpjpe").get<double>(), summary.best_val_pa_mpjpe, 1e-9);
  EXPECT_TRUE(fs::exists(run / "labeled_indices.npy"));
}
