#include "motioncue/experiments/demo.h"
#include "motioncue/flow/flow_cache.h"

#include <torch/torch.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <vector>

#include "motioncue/body/body_model.h"
#include "motioncue/core/config.h"
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

namespace {

// Sets "a.b.c=value" (value parsed as YAML) in the experiment's train or refine section.
void apply_demo_override(YAML::Node& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("a setting must be key=value").key("--set").found(assignment);
  const auto parts = split_dotted_key(assignment.substr(0, eq));
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw Error(std::string("malformed value: ") + e.what()).key("--set").found(assignment);
  }
  YAML::Node node = root[parts.front() == "refine" ? "refine" : "train"];
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (node[parts[i]] && !node[parts[i]].IsMap())
      throw Error("the setting names a value, not a section").key("--set").found(assignment);
    YAML::Node child = node[parts[i]];
    node.reset(child);
  }
  node[parts.back()] = value;
}

std::string with_overrides(const std::string& yaml, const std::vector<std::string>& overrides) {
  if (overrides.empty()) return yaml;
  YAML::Node root = YAML::Load(yaml);
  for (const auto& o : overrides) apply_demo_override(root, o);
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

std::string base_demo_yaml(bool quick, std::uint64_t seed) {
  if (!quick) {
    // The full demo is E1's smallest labeled size with one seed: the schedule RESULTS.md reports
    // comes from one place (configs/experiments/e1.yaml, embedded), so the two cannot drift.
    YAML::Node root = YAML::Load(builtin_experiment_text("e1"));
    root["name"] = "demo";
    root["seeds"] = std::vector<std::uint64_t>{seed};
    root["labeled_counts"] = std::vector<std::int64_t>{kDemoLabeledCount};
    YAML::Emitter out;
    out << root;
    return std::string(out.c_str()) + "\n";
  }
  // Every stage at tiny sizes: seconds, for CI and a first look; the numbers mean nothing.
  return fmt::format(R"(name: demo (quick)
seeds: [{}]
labeled_counts: [12]
train:
  train: {{steps: 40, val_every: 20, log_every: 10, batch_size: 8}}
  model: {{resolution: 64}}
refine:
  refine: {{steps: 10, val_every: 5, log_every: 5, batch_size: 8, pair_batch: 8}}
arms:
  control: {{refine: {{w_flow: 0.0}}}}
  flow: {{refine: {{w_flow: 0.01}}}}
  texture: {{refine: {{w_flow: 0.0, w_texture: 1.0}}}}
  both: {{refine: {{w_flow: 0.01, w_texture: 1.0}}}}
)",
                     seed);
}

}  // namespace

std::string demo_experiment_yaml(bool quick, std::uint64_t seed,
                                 const std::vector<std::string>& overrides) {
  return with_overrides(base_demo_yaml(quick, seed), overrides);
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
  // Settings first: a malformed --set must fail before anything is written.
  const std::string yaml = demo_experiment_yaml(options.quick, options.seed, options.overrides);
  ExperimentSpec spec = parse_experiment(yaml, "demo experiment");
  spec.data = options.data.empty() ? options.out / "benchmark" : options.data;
  check_experiment(spec);
  RunDir run(options.out, ExistingRun::kReuse);  // re-running resumes

  next_stage("body model");
  const body::BodyModel body = body::load_default_model();

  fs::path root = options.data;
  if (root.empty()) {
    root = options.out / "benchmark";
    next_stage("synthetic benchmark");
    if (!fs::exists(root / "benchmark.json")) {
      // The built-in benchmark with its own data seed; --seed seeds the training, so the
      // default demo's numbers are E1's first seed at its smallest size (docs/RESULTS.md).
      const synth::SynthSpec benchmark = synth::load_spec(options.quick ? "tiny" : "cpu");
      synth::generate_benchmark(benchmark, body, root);
    }
  }

  spec.data = root;
  next_stage("optical flow (DIS) of the unlabeled pairs");
  {
    const int resolution = spec.train_common["model"]["resolution"].as<int>();
    const auto unlabeled = data::VideoDataset::open(root / "unlabeled");
    data::precompute_pair_flows(unlabeled, resolution, 1, "dis-medium",
                                flow::default_flow_cache(root));
  }

  RunnerHooks hooks;
  hooks.on_stage = [&](const std::string& s) { next_stage(s); };
  const ExperimentResult result = run_experiment(spec, options.out / "runs", hooks);
  std::string command = std::string("motioncue demo") + (options.quick ? " --quick" : "") +
                        fmt::format(" --seed {} --out {}", options.seed, options.out.string());
  for (const auto& o : options.overrides) command += " --set " + o;
  write_results(result, options.out, command);

  next_stage("report");
  DemoReportInput in{result, body, root, options.out, yaml, command, options.seed, timings};
  write_demo_report(in);
  next_stage("");
  spdlog::info("demo: report at {}", (options.out / "report.html").string());
}

}  // namespace motioncue::experiments
