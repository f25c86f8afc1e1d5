// The CLI's verb registry: each verb lives in one file (verb_<name>.cpp) and registers itself
// with a static VerbRegistration, so main.cpp never changes when a verb is added.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "motioncue/core/config.h"
#include "motioncue/core/run_dir.h"

namespace motioncue::train {
struct TrainSummary;
struct TrainControl;
}  // namespace motioncue::train
namespace motioncue::distributed {
class Group;
}

namespace motioncue::cli {

struct VerbRegistration {
  // `setup` adds the verb's options and its callback to the subcommand.
  VerbRegistration(std::string name, std::string help, std::function<void(CLI::App&)> setup);
};

struct Verb {
  std::string name, help;
  std::function<void(CLI::App&)> setup;
};
const std::vector<Verb>& registered_verbs();

// The options most verbs share: --config FILE, --set key=value (repeatable), --seed.
struct ConfigOptions {
  std::string config_file;
  std::vector<std::string> overrides;
};
void add_config_options(CLI::App& app, ConfigOptions& options);
// --body-model FILE and --keypoint-regressor FILE, for the verbs that pose bodies.
struct BodyFiles {
  std::string model, keypoint_regressor;
};
void add_body_options(CLI::App& app, BodyFiles& files);
// Defaults, then the file, then the overrides, in that order.
Config resolve_config(const std::string& defaults_yaml, const std::string& verb,
                      const ConfigOptions& options);

// Makes the run folder `out` (refused when it exists and is not empty), records `config` in it
// and runs `work`. When `work` fails before the run has written a checkpoint, the folder is
// removed again, so that nothing half-made is left and a retry with the same --out starts clean.
void run_in_new_folder(const std::string& out, const Config& config,
                       const std::function<void(const RunDir&)>& work);
// A training verb's new run, alone or as one rank of a data-parallel launch (`motioncue launch`
// or torchrun: WORLD_SIZE > 1 in the environment). Alone: run_in_new_folder with a null group.
// In a launch: joins the group (MOTIONCUE_DIST_TIMEOUT seconds for the rendezvous and every
// collective, default 600); rank 0 runs in `out` as above, the other ranks in a private scratch
// folder removed afterwards, with their progress bars and info logging off.
void run_training_in_new_folder(
    const std::string& out, const Config& config,
    const std::function<void(const RunDir&, distributed::Group*)>& work);
// `--resume FOLDER` of a training verb, alone (open_run_to_resume) or as one rank of a launch:
// rank 0 claims the folder; the others read its config.yaml and last.ckpt (`resume_from`, the
// folder; empty for rank 0 and alone) and run in a scratch folder.
void resume_training(const std::string& folder, const std::string& defaults_yaml,
                     const std::string& verb, bool settings_given,
                     const std::function<void(const Config&, const RunDir&, distributed::Group*,
                                              const std::filesystem::path& resume_from)>& work);
// The same for a verb without a config schema: nothing is recorded.
void run_in_new_folder(const std::string& out, const std::function<void(const RunDir&)>& work);

// `motioncue VERB --resume RUN` of a training verb: refuses options that would change the recorded
// settings (`settings_given`), and returns the run folder (claimed, logging to the end of its
// log.txt) with its recorded config.yaml read over `defaults_yaml`.
struct ResumedRun {
  RunDir run;
  Config config;
};
ResumedRun open_run_to_resume(const std::string& folder, const std::string& defaults_yaml,
                              const std::string& verb, bool settings_given);

// What a training verb prints when its run ends: the best validation score and checkpoint, or,
// for a run stopped early, how to continue it.
void print_training_result(const train::TrainSummary& summary, const std::string& verb,
                           const std::string& folder);

// A training verb's command line. Options: --config, --set, --out RUN (a new run, its settings
// checked by `check` before the folder is made), --resume RUN (the recorded settings; any other
// option is refused), --stop-after N, and `settings`: shortcuts that each set one key as --set
// does. `run` trains; the result is printed as print_training_result says.
struct SettingOption {
  const char* flag;  // CLI11 names, e.g. "--w-flow,--flow-weight"
  const char* key;
  const char* help;
};
struct TrainingVerb {
  std::string name;  // as the user types it: "train", "temporal train"
  const char* defaults_yaml;
  std::vector<SettingOption> settings;
  std::function<void(const Config&)> check;
  std::function<train::TrainSummary(const Config&, const RunDir&, const train::TrainControl&)> run;
};
void add_training_verb(CLI::App& app, const TrainingVerb& verb);

}  // namespace motioncue::cli
