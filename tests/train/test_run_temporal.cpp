// run_temporal_training on the tiny benchmark's exact flow: what the run folder holds, that model
// selection starts from the single-frame network, that a stopped and resumed run is an
// uninterrupted one, and its refusals.
#include <gtest/gtest.h>

#include <string>

#include "../support/error_text.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/eval/evaluator.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/temporal/context_checkpoint.h"
#include "motioncue/train/model_selection.h"
#include "motioncue/train/trainers.h"
#include "motioncue/train/validation_set.h"
#include "tiny_benchmark.h"

namespace fs = std::filesystem;
namespace mm = motioncue::model;
namespace mtr = motioncue::train;
using motioncue::testing::TempDir;

namespace {

using motioncue::testing::initial_checkpoint;

void expect_same_context(const fs::path& a, const fs::path& b) {
  const auto x = motioncue::temporal::load_context(a), y = motioncue::temporal::load_context(b);
  const auto px = x.network.named_parameters(), py = y.network.named_parameters();
  ASSERT_EQ(px.size(), py.size());
  for (size_t i = 0; i < px.size(); ++i)
    EXPECT_TRUE(torch::equal(px[i].second, py[i].second))
        << a << " vs " << b << ": " << px[i].first;
}

// The error a new run of `config` in `dir` stops with (the test fails when it does not stop).
std::string error_of(const motioncue::Config& config, const fs::path& dir) {
  return motioncue::testing::error_of([&] {
    const motioncue::RunDir run = motioncue::testing::recorded_run(dir, config);
    mtr::run_temporal_training(config, run);
  });
}

}  // namespace

// The run leaves the folder every trainer leaves, with a context checkpoint beside each network
// checkpoint, and logs the loss's terms. Step 0 is validated with the untrained context, whose
// FiLM heads start at zero: it scores exactly what the image network scores alone.
TEST(RunTemporalTraining, WritesCheckpointPairsAndStartsSelectionFromTheSingleFrameNetwork) {
  TempDir dir;
  const fs::path init = initial_checkpoint(dir.path());
  const motioncue::Config config =
      motioncue::testing::small_temporal_config(motioncue::testing::tiny_benchmark(), init);
  const motioncue::RunDir run = motioncue::testing::recorded_run(dir / "run", config);
  const mtr::TrainSummary s = mtr::run_temporal_training(config, run);
  EXPECT_TRUE(s.finished);
  EXPECT_EQ(s.steps, 4);
  for (const char* file : {"best.ckpt", "best_context.pt", "last.ckpt", "last_context.pt",
                           "curves.csv", "summary.json"})
    EXPECT_TRUE(fs::exists(run / file)) << file;
  EXPECT_EQ(mtr::context_checkpoint_of(run / "best.ckpt"), run / "best_context.pt");
  const auto curves = motioncue::testing::read_curves(run / "curves.csv");
  for (const char* term : {"loss", "flow", "anchor", "supervised", "pairs_kept"})
    EXPECT_EQ(motioncue::testing::present(curves.at(term)).size(), 4u) << term;
  const auto val = motioncue::testing::present(curves.at("val_pa_mpjpe"));
  ASSERT_EQ(val.size(), 3u);  // steps 0, 2 and 4

  const auto loaded = mm::load_for_inference(init, motioncue::testing::body_model());
  const auto split =
      motioncue::data::VideoDataset::open(motioncue::testing::tiny_benchmark() / "val");
  const mtr::ValidationPoint alone =
      mtr::validate_on_sequences(motioncue::eval::single_frame_predictor(*loaded.network),
                                 motioncue::testing::body_model(), split, 32);
  EXPECT_NEAR(val[0], alone.pa_mpjpe, 1e-3);  // curves.csv holds 6 significant digits
}

// Stopped after a validation (2) or between two (1), then resumed: the same checkpoints (network
// and context), curves and model selection as an uninterrupted run.
TEST(RunTemporalTraining, StoppedAndResumedRunEqualsAnUninterruptedOne) {
  TempDir dir;
  const motioncue::Config config = motioncue::testing::small_temporal_config(
      motioncue::testing::tiny_benchmark(), initial_checkpoint(dir.path()));
  const motioncue::RunDir straight = motioncue::testing::recorded_run(dir / "straight", config);
  const auto full = mtr::run_temporal_training(config, straight);
  for (const int stop : {2, 1}) {
    SCOPED_TRACE(stop);
    const motioncue::RunDir halves =
        motioncue::testing::recorded_run(dir / ("stopped_at_" + std::to_string(stop)), config);
    const auto first = mtr::run_temporal_training(config, halves, {false, stop});
    EXPECT_FALSE(first.finished);
    EXPECT_TRUE(fs::exists(halves / "last_context.pt"));
    const auto second = mtr::run_temporal_training(config, halves, {true, 0});
    EXPECT_TRUE(second.finished);
    motioncue::testing::expect_same_weights(straight / "last.ckpt", halves / "last.ckpt");
    expect_same_context(straight / "last_context.pt", halves / "last_context.pt");
    expect_same_context(straight / "best_context.pt", halves / "best_context.pt");
    EXPECT_EQ(second.best_step, full.best_step);
    EXPECT_EQ(motioncue::read_file_text(straight / "curves.csv"),
              motioncue::read_file_text(halves / "curves.csv"));
  }
  // Stopped between two logged rows, the resumed run's first row is the mean of the steps it
  // trained itself (2, 3 and 4 here), not their sum over the full interval.
  motioncue::Config sparse = config;
  sparse.set("temporal.log_every=4");
  const motioncue::RunDir gap = motioncue::testing::recorded_run(dir / "sparse", sparse);
  mtr::run_temporal_training(sparse, gap, {false, 1});
  mtr::run_temporal_training(sparse, gap, {true, 0});
  const auto every = motioncue::testing::present(
      motioncue::testing::read_curves(straight / "curves.csv").at("loss"));
  const auto row =
      motioncue::testing::present(motioncue::testing::read_curves(gap / "curves.csv").at("loss"));
  ASSERT_EQ(every.size(), 4u);
  ASSERT_EQ(row.size(), 1u);
  const double mean = (every[1] + every[2] + every[3]) / 3;
  EXPECT_NEAR(row[0], mean, 1e-5 * mean);
  // A resume point whose context is of another step is refused, naming the context file.
  const motioncue::RunDir mixed = motioncue::testing::recorded_run(dir / "mixed", config);
  mtr::run_temporal_training(config, mixed, {false, 2});
  for (const char* file : {"last_context.pt", "last_context.pt.json"})  // of step 4
    fs::copy_file(straight / file, mixed / file, fs::copy_options::overwrite_existing);
  const std::string mixed_error = motioncue::testing::error_of([&] {
    mtr::run_temporal_training(config, mixed, {true, 0});
  });
  EXPECT_NE(mixed_error.find("last_context.pt"), std::string::npos) << mixed_error;
}

TEST(RunTemporalTraining, RefusesStillImageValidationAndANetworkWithNothingToTrain) {
  TempDir dir;
  motioncue::Config config = motioncue::testing::small_temporal_config(
      motioncue::testing::tiny_benchmark(), initial_checkpoint(dir.path()));
  config.set("validation.split=/somewhere/3dpw_test.npz");
  const std::string npz = error_of(config, dir / "npz");
  EXPECT_NE(npz.find("validation.split"), std::string::npos) << npz;
  config.set("validation.split=val");
  config.set("temporal.frames=0");
  config.set("temporal.lr_network=0");
  const std::string nothing = error_of(config, dir / "nothing");
  EXPECT_NE(nothing.find("temporal.frames"), std::string::npos) << nothing;
  config.set("temporal.frames=2");
  config.set("temporal.flow=no-such-estimator");
  const std::string flow = error_of(config, dir / "flow");
  EXPECT_NE(flow.find("temporal.flow"), std::string::npos) << flow;
}
