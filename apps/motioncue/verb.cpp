#include "verb.h"

#include <filesystem>
#include <iostream>
#include <memory>

#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/distributed/launch_env.h"
#include "motioncue/distributed/process_group.h"
#include "motioncue/train/data_parallel.h"
#include "motioncue/train/trainers.h"

namespace motioncue::cli {
namespace {
std::vector<Verb>& verbs() {
  static std::vector<Verb> v;
  return v;
}
}  // namespace

VerbRegistration::VerbRegistration(std::string name, std::string help,
                                   std::function<void(CLI::App&)> setup) {
  verbs().push_back({std::move(name), std::move(help), std::move(setup)});
}

const std::vector<Verb>& registered_verbs() { return verbs(); }

void add_body_options(CLI::App& app, BodyFiles& files) {
  app.add_option("--body-model", files.model,
                 "body model .npz in SMPL's layout (default: built-in)");
  app.add_option("--keypoint-regressor", files.keypoint_regressor,
                 "with --body-model: SPIN's J_regressor_extra.npy (9 x V), or 24 x V keypoints");
}

void add_config_options(CLI::App& app, ConfigOptions& options) {
  app.add_option("--config", options.config_file, "YAML config file (keys as in the defaults)");
  app.add_option("--set", options.overrides, "override a config key: key=value (repeatable)")
      ->take_all();
}

Config resolve_config(const std::string& defaults_yaml, const std::string& verb,
                      const ConfigOptions& options) {
  Config config(defaults_yaml, "defaults of '" + verb + "'");
  if (!options.config_file.empty()) config.merge_file(options.config_file);
  for (const auto& o : options.overrides) config.set(o);
  return config;
}

namespace {

void run_in_fresh_folder(const std::string& out, const Config* config,
                         const std::function<void(const RunDir&)>& work) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool existed = fs::exists(out, ec);
  const bool fresh = !existed || (fs::is_directory(out, ec) && fs::is_empty(out, ec));
  try {
    const RunDir run(out);
    if (config) run.record(*config);
    work(run);
  } catch (...) {
    // The RunDir (and its log file) is gone by now. A folder that held something stays
    // untouched; an empty one given by the user is emptied again, not removed.
    if (fresh && !fs::exists(fs::path(out) / "last.ckpt", ec) &&
        !fs::exists(fs::path(out) / "best.ckpt", ec)) {
      if (!existed) {
        fs::remove_all(out, ec);
      } else {
        for (const auto& entry : fs::directory_iterator(out, ec)) fs::remove_all(entry.path(), ec);
      }
    }
    throw;
  }
}

}  // namespace

void run_in_new_folder(const std::string& out, const Config& config,
                       const std::function<void(const RunDir&)>& work) {
  run_in_fresh_folder(out, &config, work);
}

void run_training_in_new_folder(
    const std::string& out, const Config& config,
    const std::function<void(const RunDir&, distributed::Group*)>& work) {
  const auto group = distributed::join_from_environment();
  if (!group || group->rank() == 0) {
    run_in_new_folder(out, config, [&](const RunDir& run) { work(run, group.get()); });
    return;
  }
  train::run_in_scratch_folder(*group, [&](const RunDir& run) { work(run, group.get()); });
}

void resume_training(const std::string& folder, const std::string& defaults_yaml,
                     const std::string& verb, bool settings_given,
                     const std::function<void(const Config&, const RunDir&, distributed::Group*,
                                              const std::filesystem::path&)>& work) {
  const auto group = distributed::join_from_environment();
  if (!group || group->rank() == 0) {
    const auto resumed = open_run_to_resume(folder, defaults_yaml, verb, settings_given);
    work(resumed.config, resumed.run, group.get(), {});
    return;
  }
  // The other ranks read the recorded settings and the resume point from rank 0's folder (the
  // same machine, or a shared file system) without claiming it.
  const auto recorded = std::filesystem::path(folder) / "config.yaml";
  if (!std::filesystem::exists(recorded))
    throw Error("not a run folder: nothing to resume").file(recorded.string());
  Config config(defaults_yaml, "defaults of '" + verb + "'");
  config.merge_file(recorded);
  train::run_in_scratch_folder(*group,
                               [&](const RunDir& run) { work(config, run, group.get(), folder); });
}

void run_in_new_folder(const std::string& out, const std::function<void(const RunDir&)>& work) {
  run_in_fresh_folder(out, nullptr, work);
}

ResumedRun open_run_to_resume(const std::string& folder, const std::string& defaults_yaml,
                              const std::string& verb, bool settings_given) {
  if (settings_given)
    throw Error(
        "--resume continues a run with its recorded settings; it takes no --out, --config, "
        "--set, --data, --seed or --init")
        .file(folder);
  const auto recorded = std::filesystem::path(folder) / "config.yaml";
  if (!std::filesystem::exists(recorded))
    throw Error("not a run folder: nothing to resume").file(recorded.string());
  ResumedRun resumed{RunDir(folder, ExistingRun::kReuse),
                     Config(defaults_yaml, "defaults of '" + verb + "'")};
  resumed.config.merge_file(recorded);
  resumed.run.continue_log();
  return resumed;
}

void print_training_result(const train::TrainSummary& summary, const std::string& verb,
                           const std::string& folder) {
  if (distributed::launch_env().rank != 0) return;  // rank 0 reports for the group
  if (!summary.finished) {
    std::cout << "stopped after step " << summary.steps << "; continue with: motioncue " << verb
              << " --resume " << folder << "\n";
    return;
  }
  std::cout << "best validation PA-MPJPE " << summary.best_val_pa_mpjpe << " mm at step "
            << summary.best_step << "; checkpoint " << summary.best_checkpoint.string() << "\n";
}

void add_training_verb(CLI::App& app, const TrainingVerb& verb) {
  struct Options {
    ConfigOptions config;
    std::string out, resume;
    int stop_after = 0;
  };
  auto o = std::make_shared<Options>();
  add_config_options(app, o->config);
  for (const auto& setting : verb.settings)
    app.add_option_function<std::string>(
        setting.flag,
        [o, key = std::string(setting.key)](const std::string& value) {
          o->config.overrides.push_back(key + "=" + value);
        },
        std::string(setting.help) + " (same as --set " + setting.key + "=...)");
  app.add_option("--out", o->out, "new run folder (must not exist or be empty)");
  app.add_option("--resume", o->resume,
                 "continue an interrupted run in this folder from its last checkpoint, with its "
                 "recorded settings");
  app.add_option("--stop-after", o->stop_after,
                 "stop after this step, leaving a run that --resume continues");
  app.callback([o, verb, &app] {
    train::TrainSummary summary;
    if (o->resume.empty()) {
      if (o->out.empty()) throw Error(verb.name + " needs --out RUN (a new run) or --resume RUN");
      const Config config = resolve_config(verb.defaults_yaml, verb.name, o->config);
      verb.check(config);
      run_training_in_new_folder(o->out, config, [&](const RunDir& run, distributed::Group* group) {
        summary = verb.run(config, run, {false, o->stop_after, group});
      });
    } else {
      bool settings_given = false;
      for (const auto* option : app.get_options())
        if (option->get_name() != "--resume" && option->get_name() != "--stop-after" &&
            option->get_name() != "--help" && option->count() > 0)
          settings_given = true;
      resume_training(o->resume, verb.defaults_yaml, verb.name, settings_given,
                      [&](const Config& config, const RunDir& run, distributed::Group* group,
                          const std::filesystem::path& from) {
                        summary = verb.run(config, run, {true, o->stop_after, group, from});
                      });
    }
    print_training_result(summary, verb.name, o->resume.empty() ? o->out : o->resume);
  });
}

}  // namespace motioncue::cli
