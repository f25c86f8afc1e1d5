// motioncue refine: motion-cue refinement of a trained network on unlabeled video.
#include <filesystem>
#include <memory>
#include <string>

#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/train/defaults.h"
#include "motioncue/train/options.h"
#include "motioncue/train/trainers.h"
#include "verb.h"

namespace {

struct RefineOptions {
  motioncue::cli::ConfigOptions config;
  std::string out, data, init, resume;
  long long seed = -1;
  int stop_after = 0;
};

motioncue::train::TrainSummary start_refinement(const RefineOptions& opts) {
  auto config =
      motioncue::cli::resolve_config(motioncue::train::kRefineDefaults, "refine", opts.config);
  if (!opts.data.empty()) config.set("data=" + opts.data);
  if (!opts.init.empty()) config.set("init=" + opts.init);
  if (opts.seed >= 0) config.set("seed=" + std::to_string(opts.seed));
  motioncue::train::RefineOptions::from_config(config).check();
  motioncue::train::TrainSummary summary;
  motioncue::cli::run_training_in_new_folder(
      opts.out, config, [&](const motioncue::RunDir& run, motioncue::distributed::Group* group) {
        summary = motioncue::train::run_refinement(config, run, {false, opts.stop_after, group});
      });
  return summary;
}

motioncue::train::TrainSummary resume_refinement(const RefineOptions& opts) {
  const bool settings_given = !opts.config.config_file.empty() || !opts.config.overrides.empty() ||
                              !opts.data.empty() || !opts.init.empty() || opts.seed >= 0 ||
                              !opts.out.empty();
  motioncue::train::TrainSummary summary;
  motioncue::cli::resume_training(
      opts.resume, motioncue::train::kRefineDefaults, "refine", settings_given,
      [&](const motioncue::Config& config, const motioncue::RunDir& run,
          motioncue::distributed::Group* group, const std::filesystem::path& from) {
        summary =
            motioncue::train::run_refinement(config, run, {true, opts.stop_after, group, from});
      });
  return summary;
}

motioncue::cli::VerbRegistration register_refine(
    "refine", "Refine a trained network with motion cues from unlabeled video", [](CLI::App& app) {
      auto opts = std::make_shared<RefineOptions>();
      motioncue::cli::add_config_options(app, opts->config);
      app.add_option("--init", opts->init, "checkpoint to refine (same as --set init=CKPT)");
      app.add_option("--out", opts->out, "run folder (must not exist or be empty)");
      app.add_option("--data", opts->data, "benchmark root (same as --set data=DIR)");
      app.add_option("--seed", opts->seed, "seed (same as --set seed=S)");
      app.add_option("--resume", opts->resume,
                     "continue an interrupted run in this folder from its last checkpoint");
      app.add_option("--stop-after", opts->stop_after,
                     "stop after this step, leaving a run that --resume continues");
      app.callback([opts] {
        if (opts->out.empty() && opts->resume.empty())
          throw motioncue::Error("refine needs --out RUN (a new run) or --resume RUN");
        const auto s = opts->resume.empty() ? start_refinement(*opts) : resume_refinement(*opts);
        motioncue::cli::print_training_result(s, "refine",
                                              opts->resume.empty() ? opts->out : opts->resume);
      });
    });

}  // namespace
