// Runs an experiment (experiment_spec.h): for every labeled count and seed, trains the baseline,
// runs every refinement arm from it, evaluates everything on the test split and aggregates the
// numbers (mean and spread over seeds, change against the baseline and the control). Resumable:
// a run whose test.json exists is not repeated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "motioncue/core/config.h"
#include "motioncue/eval/facing.h"
#include "motioncue/eval/metrics.h"
#include "motioncue/experiments/experiment_spec.h"

namespace motioncue::distributed {
class Group;
}

namespace motioncue::experiments {

struct RunRecord {
  std::string arm;  // "baseline" or an arm name
  std::int64_t labeled = 0;
  std::uint64_t seed = 0;
  eval::MetricSummary test;
  eval::FacingSummary facing;  // test split; NaN fields for a run recorded before they existed
  double val_pa_mpjpe = 0;
  long best_step = -1;
  double seconds = 0;
  std::filesystem::path dir;
};

struct ExperimentResult {
  ExperimentSpec spec;
  std::vector<RunRecord> runs;
};

struct RunnerHooks {
  // Called when a stage starts (for the demo's progress and timings).
  std::function<void(const std::string& stage)> on_stage;
};

// Checks the whole spec first (check_experiment), then runs what is not run yet. In a
// data-parallel group every training run is data-parallel: rank 0 owns `out` (it decides what
// runs, writes, evaluates and returns the records); the other ranks train in scratch folders and
// return no records.
ExperimentResult run_experiment(const ExperimentSpec& spec, const std::filesystem::path& out,
                                const RunnerHooks& hooks = {}, distributed::Group* group = nullptr);

// Builds the config of every baseline and every arm the spec runs and checks their settings (known
// keys, values of the right kind, in range, known names: train::BaselineOptions::check and
// RefineOptions::check), so that a typo in a later arm is an error before the first run
// starts rather than after hours of earlier ones. Throws Error naming the spec, the arm (or the
// baseline) and the key.
void check_experiment(const ExperimentSpec& spec);

// The train config of the baseline that run_experiment trains for (count, seed).
Config baseline_config(const ExperimentSpec& spec, std::int64_t count, std::uint64_t seed);
// The refine config of `arm` for (count, seed), refining the checkpoint `init`.
Config arm_config(const ExperimentSpec& spec, const Arm& arm, std::int64_t count,
                  std::uint64_t seed, const std::filesystem::path& init);

// Aggregates: per labeled count, per arm, mean and sample standard deviation over seeds.
struct ArmSummary {
  std::string arm;
  std::int64_t labeled = 0;
  int seeds = 0;
  eval::MetricSummary mean, sd;
  eval::FacingSummary facing_mean, facing_sd;  // NaN where a seed's run lacks the field
  std::vector<double> pa_per_seed;
  std::vector<long> step_per_seed;  // the step model selection chose (0: the refinement's start)
  std::vector<double> vs_control_per_seed;  // %, per seed, where the seed has a control run
  double change_vs_baseline = 0;            // relative PA-MPJPE change, %, per-seed paired mean
  double change_vs_control = 0;             // same against the arm named "control" (0 without one)
  bool has_control = false;
};
std::vector<ArmSummary> summarise(const ExperimentResult& result);
std::string results_markdown(const ExperimentResult& result, const std::string& command);
void write_results(const ExperimentResult& result, const std::filesystem::path& out,
                   const std::string& command);

}  // namespace motioncue::experiments
