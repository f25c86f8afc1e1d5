// motioncue refine: motion-cue refinement of a trained network on unlabeled video.
#include "motioncue/core/config.h"
#include "motioncue/train/defaults.h"
#include "motioncue/train/options.h"
#include "motioncue/train/trainers.h"
#include "verb.h"

namespace {

motioncue::cli::VerbRegistration register_refine(
    "refine", "Refine a trained network with motion cues from unlabeled video", [](CLI::App& app) {
      motioncue::cli::add_training_verb(
          app, {"refine",
                motioncue::train::kRefineDefaults,
                {{"--init", "init", "checkpoint to refine"},
                 {"--data", "data", "benchmark root"},
                 {"--seed", "seed", "seed"}},
                [](const motioncue::Config& config) {
                  motioncue::train::RefineOptions::from_config(config).check();
                },
                motioncue::train::run_refinement});
    });

}  // namespace
