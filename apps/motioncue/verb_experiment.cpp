// motioncue experiment: baselines and refinement arms over labeled sizes and seeds, evaluated on
// the test split, with an aggregated table (results.md, results.json).
#include <iostream>

#include "motioncue/core/files.h"
#include "motioncue/experiments/experiment_runner.h"
#include "verb.h"

namespace {

struct ExperimentOptions {
  std::string spec, out, data;
};

motioncue::cli::VerbRegistration reg(
    "experiment", "Run an experiment spec (configs/experiments/*.yaml) and aggregate its results",
    [](CLI::App& app) {
      auto o = std::make_shared<ExperimentOptions>();
      app.add_option("--spec", o->spec, "experiment YAML")->required();
      app.add_option("--out", o->out, "output folder (re-running resumes it)")->required();
      app.add_option("--data", o->data, "benchmark root (overrides the spec's data)");
      app.callback([o] {
        namespace ex = motioncue::experiments;
        auto spec = ex::load_experiment(o->spec);
        if (!o->data.empty()) spec.data = o->data;
        const auto result = ex::run_experiment(spec, o->out);
        const std::string command = "motioncue experiment --spec " + o->spec + " --out " + o->out +
                                    (o->data.empty() ? "" : " --data " + o->data);
        ex::write_results(result, o->out, command);
        std::cout << ex::results_markdown(result, command);
      });
    });

}  // namespace
