#include "motioncue/experiments/demo.h"

#include <torch/torch.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/data/pair_sampler.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/experiments/demo_report.h"
#include "motioncue/experiments/experiment_runner.h"
#include "motioncue/synth/generator.h"
#include "motioncue/synth/spec.h"

namespace fs = std::filesystem;

namespace motioncue::experiments {

std::string demo_experiment_yaml(bool quick, std::uint64_t seed) {
  // The arms are the same at both sizes; only the schedule differs. The full-size schedule is
  // provisional: the CPU schedule that makes the low-data baseline meaningful is still being
  // measured (docs/RESULTS.md, "Training status").
  const char* train = quick ? "{steps: 40, val_every: 20, log_every: 10, batch_size: 8}"
                            : "{steps: 1500, val_every: 250, log_every: 50}";
  const char* refine = quick
                           ? "{steps: 10, val_every: 5, log_every: 5, batch_size: 8, pair_batch: 8}"
                           : "{steps: 300, val_every: 50, log_every: 25}";
  return fmt::format(R"(name: {}
seeds: [{}]
labeled_counts: [{}]
train:
  train: {}
  model: {{resolution: {}}}
refine:
  refine: {}
arms:
  control: {{refine: {{w_flow: 0.0}}}}
  flow: {{refine: {{w_flow: 0.01}}}}
  texture: {{refine: {{w_flow: 0.0, w_texture: 1.0}}}}
  both: {{refine: {{w_flow: 0.01, w_texture: 1.0}}}}
)",
                     quick ? "demo (quick)" : "demo", seed, quick ? 12 : 100, train,
                     quick ? 64 : 96, refine);
}

void run_demo(const DemoOptions& options) {
  DemoTimings timings;
  auto stage_start = std::chrono::steady_clock::now();
  std::string stage;
  auto next_stage = [&](const std::string& name) {
    const auto now = std::chrono::steady_clock::now();
    if (!stage.empty())
      timings.push_back({stage, std::chrono::duration<double>(now - stage_start).count()});
    stage = name;
    stage_start = now;
    if (!name.empty()) spdlog::info("demo: {}", name);
  };
  RunDir run(options.out, ExistingRun::kReuse);  // re-running resumes

  next_stage("body model");
  const body::BodyModel body = body::load_default_model();

  fs::path root = options.data;
  if (root.empty()) {
    root = options.out / "benchmark";
    next_stage("synthetic benchmark");
    if (!fs::exists(root / "benchmark.json")) {
      synth::SynthSpec spec = synth::load_spec(options.quick ? "tiny" : "cpu");
      spec.seed = options.seed;
      synth::generate_benchmark(spec, body, root);
    }
  }

  const std::string yaml = demo_experiment_yaml(options.quick, options.seed);
  ExperimentSpec spec = parse_experiment(yaml, "demo experiment");
  spec.data = root;
  next_stage("optical flow (DIS) of the unlabeled pairs");
  {
    const int resolution = spec.train_common["model"]["resolution"].as<int>();
    const auto unlabeled = data::VideoDataset::open(root / "unlabeled");
    data::precompute_pair_flows(unlabeled, resolution, 1, "dis-medium", root / ".flow_cache");
  }

  RunnerHooks hooks;
  hooks.on_stage = [&](const std::string& s) { next_stage(s); };
  const ExperimentResult result = run_experiment(spec, options.out / "runs", hooks);
  const std::string command =
      std::string("motioncue demo") + (options.quick ? " --quick" : "") +
      fmt::format(" --seed {} --out {}", options.seed, options.out.string());
  write_results(result, options.out, command);

  next_stage("report");
  DemoReportInput in{result, body, root, options.out, yaml, command, options.seed, timings};
  write_demo_report(in);
  next_stage("");
  spdlog::info("demo: report at {}", (options.out / "report.html").string());
}

}  // namespace motioncue::experiments
