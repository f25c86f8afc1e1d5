// motioncue experiment: baselines and refinement arms over labeled sizes and seeds, evaluated on
// the test split, with an aggregated table (results.md, results.json).
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/distributed/process_group.h"
#include "motioncue/experiments/experiment_runner.h"
#include "motioncue/experiments/experiment_spec.h"
#include "verb.h"

namespace {

struct ExperimentOptions {
  std::string spec, out, data;
  std::vector<std::uint64_t> seeds;
  std::vector<std::int64_t> counts;
};

template <typename T>
std::string join_option(const std::string& name, const std::vector<T>& values) {
  if (values.empty()) return "";
  std::string s = " --" + name + " ";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + std::to_string(values[i]);
  return s;
}

// Keeps the spec's entries that are listed; an entry the spec does not have is an error, so a
// typo never silently runs nothing.
template <typename T>
std::vector<T> restrict_to(const std::vector<T>& spec_values, const std::vector<T>& wanted,
                           const std::string& what, const std::string& spec_file) {
  if (wanted.empty()) return spec_values;
  for (const T& v : wanted)
    if (std::find(spec_values.begin(), spec_values.end(), v) == spec_values.end())
      throw motioncue::Error("--" + what + " lists a value the spec does not have")
          .file(spec_file)
          .key(what)
          .found(std::to_string(v));
  return wanted;
}

motioncue::cli::VerbRegistration register_experiment(
    "experiment", "Run an experiment spec (configs/experiments/*.yaml) and aggregate its results",
    [](CLI::App& app) {
      auto o = std::make_shared<ExperimentOptions>();
      std::string builtins;
      for (const auto& [name, text] : motioncue::experiments::builtin_experiment_table())
        builtins += (builtins.empty() ? "" : ", ") + name;
      app.add_option("--spec", o->spec, "experiment YAML, or a built-in one: " + builtins)
          ->required();
      app.add_option("--out", o->out, "output folder (re-running resumes it)")->required();
      app.add_option("--data", o->data, "benchmark root (overrides the spec's data)");
      app.add_option("--seeds", o->seeds,
                     "run only these of the spec's seeds (to split one spec across processes; "
                     "a final run without filters aggregates everything)")
          ->delimiter(',');
      app.add_option("--labeled-counts", o->counts, "run only these of the spec's labeled sizes")
          ->delimiter(',');
      app.callback([o] {
        namespace ex = motioncue::experiments;
        auto spec = ex::load_experiment(o->spec);
        if (!o->data.empty()) spec.data = o->data;
        spec.seeds = restrict_to(spec.seeds, o->seeds, "seeds", o->spec);
        spec.labeled_counts =
            restrict_to(spec.labeled_counts, o->counts, "labeled-counts", o->spec);
        // Under `launch` or torchrun every run is data-parallel; rank 0 writes the results.
        const auto group = motioncue::distributed::join_from_environment();
        const auto result = ex::run_experiment(spec, o->out, {}, group.get());
        if (group && group->rank() != 0) return;
        const std::string command = "motioncue experiment --spec " + o->spec + " --out " + o->out +
                                    (o->data.empty() ? "" : " --data " + o->data) +
                                    join_option("seeds", o->seeds) +
                                    join_option("labeled-counts", o->counts);
        ex::write_results(result, o->out, command);
        std::cout << ex::results_markdown(result, command);
      });
    });

}  // namespace
