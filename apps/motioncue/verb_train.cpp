// motioncue train: supervised baseline training on a (small) labeled set.
#include "motioncue/core/config.h"
#include "motioncue/train/defaults.h"
#include "motioncue/train/options.h"
#include "motioncue/train/trainers.h"
#include "verb.h"

namespace {

motioncue::cli::VerbRegistration register_train(
    "train", "Train the single-image network on labeled images (the baseline)", [](CLI::App& app) {
      motioncue::cli::add_training_verb(
          app, {"train",
                motioncue::train::kTrainDefaults,
                {{"--data", "data", "benchmark root"}, {"--seed", "seed", "seed"}},
                [](const motioncue::Config& config) {
                  motioncue::train::BaselineOptions::from_config(config).check();
                },
                motioncue::train::run_training});
    });

}  // namespace
