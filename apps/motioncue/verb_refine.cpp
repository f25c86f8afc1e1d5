// motioncue refine: motion-cue refinement of a trained network on unlabeled video.
#include <iostream>

#include "motioncue/core/config.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/train/defaults.h"
#include "motioncue/train/settings_check.h"
#include "motioncue/train/trainers.h"
#include "verb.h"

namespace {

struct RefineOptions {
  motioncue::cli::ConfigOptions config;
  std::string out, data, init;
  long long seed = -1;
};

motioncue::cli::VerbRegistration register_refine(
    "refine", "Refine a trained network with motion cues from unlabeled video", [](CLI::App& app) {
      auto opts = std::make_shared<RefineOptions>();
      motioncue::cli::add_config_options(app, opts->config);
      app.add_option("--init", opts->init, "checkpoint to refine (same as --set init=CKPT)");
      app.add_option("--out", opts->out, "run folder (must not exist or be empty)")->required();
      app.add_option("--data", opts->data, "benchmark root (same as --set data=DIR)");
      app.add_option("--seed", opts->seed, "seed (same as --set seed=S)");
      app.callback([opts] {
        auto config = motioncue::cli::resolve_config(motioncue::train::kRefineDefaults, "refine",
                                                     opts->config);
        if (!opts->data.empty()) config.set("data=" + opts->data);
        if (!opts->init.empty()) config.set("init=" + opts->init);
        if (opts->seed >= 0) config.set("seed=" + std::to_string(opts->seed));
        motioncue::train::check_refinement_settings(config);
        motioncue::train::TrainSummary s;
        motioncue::cli::run_in_new_folder(opts->out, config, [&](const motioncue::RunDir& run) {
          s = motioncue::train::run_refinement(config, run);
        });
        std::cout << "best validation PA-MPJPE " << s.best_val_pa_mpjpe << " mm at step "
                  << s.best_step << "; checkpoint " << s.best_checkpoint.string() << "\n";
      });
    });

}  // namespace
