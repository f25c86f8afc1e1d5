// What the training tests share: the built-in body model, one small synthetic benchmark made once
// per test executable (the embedded `tiny` spec, shrunk further), configs for the trainers that
// run in seconds, and a reader for curves.csv.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../support/small_benchmark.h"
#include "../support/temp_dir.h"
#include "motioncue/body/body_model.h"
#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/progress.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/synth/generator.h"
#include "motioncue/synth/spec.h"
#include "motioncue/train/curve_log.h"
#include "motioncue/train/defaults.h"

namespace motioncue::testing {

inline const body::BodyModel& body_model() { return default_body_model(); }

// `tiny` with 4 labeled images, one 5-frame unlabeled sequence (with exact flow), one 3-frame
// validation sequence and one 2-frame test sequence, at 96 x 96 pixels.
// An untrained compact network at the tests' 32 pixels, in training mode, weights drawn from
// `seed` (LibTorch's global generator).
inline model::PoseNetwork small_network(std::uint64_t seed) {
  torch::manual_seed(seed);
  model::NetworkConfig c;
  c.backbone = "compact";
  c.resolution = 32;
  model::PoseNetwork net(c, model::InitialState::upright_default());
  net.set_train(true);
  return net;
}

// small_network(5) saved as a checkpoint of the built-in body model: what refinement and temporal
// training start from.
inline std::filesystem::path initial_checkpoint(const std::filesystem::path& dir) {
  const model::PoseNetwork net = small_network(5);
  const std::filesystem::path file = dir / "init.ckpt";
  model::save_checkpoint(file, net, {{"seed", 0}, {"body_model_hash", body_model().hash()}});
  return file;
}

inline std::filesystem::path tiny_benchmark() {
  static const std::unique_ptr<TempDir> dir = make_small_benchmark({});
  return dir->path();
}

// The schema-checked config a user would get from `motioncue train --set ...`, sized for a test:
// CPU, the compact backbone at 32 pixels, no worker threads.
inline Config small_training_config(const std::filesystem::path& data) {
  Config c(train::kTrainDefaults, "train defaults");
  c.set("data=" + data.string());
  c.set("device=cpu");
  c.set("labeled.count=-1");
  c.set("model.backbone=compact");
  c.set("model.resolution=32");
  c.set("train.workers=0");
  return c;
}

inline Config small_refinement_config(const std::filesystem::path& data,
                                      const std::filesystem::path& init) {
  Config c(train::kRefineDefaults, "refine defaults");
  c.set("data=" + data.string());
  c.set("init=" + init.string());
  c.set("device=cpu");
  c.set("labeled.count=-1");
  c.set("refine.workers=0");
  c.set("refine.flow=oracle");
  return c;
}

// `motioncue temporal train`'s config for a test: a 2-frame context on the exact flow, 4 steps of 2
// clips, logging every step and validating every 2, the image network training too.
inline Config small_temporal_config(const std::filesystem::path& data,
                                    const std::filesystem::path& init) {
  Config c(train::kTemporalDefaults, "temporal defaults");
  c.set("data=" + data.string());
  c.set("init=" + init.string());
  c.set("device=cpu");
  c.set("temporal.frames=2");
  c.set("temporal.steps=4");
  c.set("temporal.batch_size=2");
  c.set("temporal.labeled_batch_size=2");
  c.set("temporal.lr_context=1e-3");
  c.set("temporal.lr_network=1e-4");
  c.set("temporal.w_flow=1");
  c.set("temporal.workers=0");
  c.set("temporal.log_every=1");
  c.set("temporal.val_every=2");
  return c;
}

// curves.csv as columns (an empty cell is NaN), plus "step".
inline std::map<std::string, std::vector<double>> read_curves(const std::filesystem::path& file) {
  const auto table = motioncue::train::read_curve_table(file);
  std::map<std::string, std::vector<double>> columns;
  for (const auto& row : table.rows) {
    columns["step"].push_back(static_cast<double>(row.step));
    for (const auto& name : table.columns) {
      const auto it = row.values.find(name);
      columns[name].push_back(it == row.values.end() ? std::nan("") : it->second);
    }
  }
  return columns;
}

// The values of a column that are present (rows of other kinds, e.g. validation, leave it empty).
inline std::vector<double> present(const std::vector<double>& column) {
  std::vector<double> out;
  for (double v : column)
    if (!std::isnan(v)) out.push_back(v);
  return out;
}

// Every parameter and buffer of two checkpoints, compared exactly.
inline void expect_same_weights(const std::filesystem::path& a, const std::filesystem::path& b) {
  const auto x = model::load_checkpoint(a), y = model::load_checkpoint(b);
  const auto px = x.network->named_parameters(), py = y.network->named_parameters();
  ASSERT_EQ(px.size(), py.size());
  for (size_t i = 0; i < px.size(); ++i)
    EXPECT_TRUE(torch::equal(px[i].second, py[i].second))
        << a << " vs " << b << ": " << px[i].first;
  const auto bx = x.network->named_buffers(), by = y.network->named_buffers();
  ASSERT_EQ(bx.size(), by.size());
  for (size_t i = 0; i < bx.size(); ++i)
    EXPECT_TRUE(torch::equal(bx[i].second, by[i].second)) << bx[i].first;
}

// A run folder with `config` recorded in it, as `motioncue train` or `refine` leaves it before
// training.
inline RunDir recorded_run(const std::filesystem::path& dir, const Config& config) {
  RunDir run(dir);
  run.record(config);
  return run;
}

}  // namespace motioncue::testing
