#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "../support/small_benchmark.h"
#include "../support/temp_dir.h"
#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/experiments/demo.h"
#include "motioncue/experiments/experiment_runner.h"
#include "motioncue/experiments/experiment_spec.h"
#include "motioncue/train/trainers.h"

namespace ex = motioncue::experiments;

namespace {

std::string emit(const YAML::Node& n) {
  YAML::Emitter out;
  out << n;
  return out.c_str();
}

// E1 narrowed to one labeled count and one seed, over the benchmark at `data`.
ex::ExperimentSpec one_run_of_e1(const std::filesystem::path& data, std::int64_t count) {
  ex::ExperimentSpec spec = ex::load_experiment("e1");
  spec.data = data;
  spec.seeds = {0};
  spec.labeled_counts = {count};
  return spec;
}

}  // namespace

TEST(BuiltinExperiments, EveryOneParsesAndHasAControl) {
  for (const auto& [name, text] : ex::builtin_experiment_table()) {
    SCOPED_TRACE(name);
    const ex::ExperimentSpec spec = ex::load_experiment(name);
    EXPECT_FALSE(spec.seeds.empty());
    EXPECT_FALSE(spec.labeled_counts.empty());
    bool has_control = false;
    for (const auto& arm : spec.arms) has_control |= arm.name == "control";
    EXPECT_TRUE(has_control) << "every experiment compares against the control arm";
  }
}

// E3 and E4 are run into E1's output folder and reuse its baseline, control and flow runs; that
// is only sound while they share E1's schedule (the runner also refuses a mismatch).
TEST(BuiltinExperiments, AblationsShareE1sScheduleAndArms) {
  const ex::ExperimentSpec e1 = ex::load_experiment("e1");
  for (const char* name : {"e3_ablations", "e4_unlabeled"}) {
    SCOPED_TRACE(name);
    const ex::ExperimentSpec e = ex::load_experiment(name);
    EXPECT_EQ(emit(e.train_common), emit(e1.train_common));
    EXPECT_EQ(emit(e.refine_common), emit(e1.refine_common));
    for (const auto& arm : e.arms)
      for (const auto& arm1 : e1.arms)
        if (arm.name == arm1.name) {
          EXPECT_EQ(emit(arm.overrides), emit(arm1.overrides)) << arm.name;
        }
  }
}

// e1_robust_parts runs into e1_aug's output folder and reuses its baselines and control.
TEST(BuiltinExperiments, RobustPartsShareE1AugsScheduleAndArms) {
  const ex::ExperimentSpec base = ex::load_experiment("e1_aug");
  const ex::ExperimentSpec parts = ex::load_experiment("e1_robust_parts");
  EXPECT_EQ(emit(parts.train_common), emit(base.train_common));
  EXPECT_EQ(emit(parts.refine_common), emit(base.refine_common));
  for (const auto& arm : parts.arms)
    for (const auto& arm1 : base.arms)
      if (arm.name == arm1.name) {
        EXPECT_EQ(emit(arm.overrides), emit(arm1.overrides)) << arm.name;
      }
}

// A seed or labeled count listed twice would be one run counted twice in every mean.
TEST(ExperimentSpec, RepeatedSeedsOrCountsAndBadCountsAreErrorsNamingTheKey) {
  for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
           {"seeds: [0, 0]\narms: {control: {}}", "seeds"},
           {"labeled_counts: [100, 100]\narms: {control: {}}", "labeled_counts"},
           {"labeled_counts: [0]\narms: {control: {}}", "labeled_counts"}}) {
    try {
      ex::parse_experiment(text, "spec.yaml");
      ADD_FAILURE() << text << ": no error";
    } catch (const motioncue::Error& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("spec.yaml"), std::string::npos) << e.what();
    }
  }
}

TEST(BuiltinExperiments, UnknownNameListsTheBuiltIns) {
  try {
    ex::load_experiment("no_such_experiment");
    FAIL() << "expected an error";
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_experiment"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("e1"), std::string::npos);
  }
}

TEST(DemoExperiment, FullDemoIsE1AtTheSmallestSizeWithOneSeed) {
  const ex::ExperimentSpec e1 = ex::load_experiment("e1");
  const ex::ExperimentSpec demo = ex::parse_experiment(ex::demo_experiment_yaml(false, 7), "demo");
  EXPECT_EQ(demo.seeds, std::vector<std::uint64_t>{7});
  EXPECT_EQ(demo.labeled_counts, std::vector<std::int64_t>{ex::kDemoLabeledCount});
  EXPECT_EQ(ex::kDemoLabeledCount, e1.labeled_counts.front());
  EXPECT_EQ(emit(demo.train_common), emit(e1.train_common));
  EXPECT_EQ(emit(demo.refine_common), emit(e1.refine_common));
  ASSERT_EQ(demo.arms.size(), e1.arms.size());
}

TEST(DemoExperiment, SettingsReachTheBaselinesOrTheArms) {
  const auto yaml = ex::demo_experiment_yaml(
      true, 0, {"model.backbone=movenet-lightning", "model.resolution=96", "refine.steps=3"});
  const ex::ExperimentSpec demo = ex::parse_experiment(yaml, "demo");
  EXPECT_EQ(demo.train_common["model"]["backbone"].as<std::string>(), "movenet-lightning");
  EXPECT_EQ(demo.train_common["model"]["resolution"].as<int>(), 96);
  EXPECT_EQ(demo.train_common["train"]["steps"].as<int>(), 40);  // the quick schedule kept
  EXPECT_EQ(demo.refine_common["refine"]["steps"].as<int>(), 3);
  for (const std::string bad : {"nokey", "=3", "model.resolution.x=1"}) {
    try {
      ex::demo_experiment_yaml(true, 0, {bad});
      ADD_FAILURE() << bad << ": expected an error";
    } catch (const motioncue::Error& e) {
      EXPECT_NE(std::string(e.what()).find("--set"), std::string::npos) << e.what();
    }
  }
}

TEST(ExperimentRunner, AFinishedRunOfAnotherConfigIsAnErrorNotReused) {
  motioncue::testing::TempDir tmp;
  const ex::ExperimentSpec spec = one_run_of_e1(tmp / "data", 100);
  const auto base = tmp.path() / "out" / "labeled_100" / "seed_0" / "baseline";
  std::filesystem::create_directories(base);
  std::ofstream(base / "test.json") << "{}";
  std::ofstream(base / "config.yaml") << "seed: 0\ntrain: {steps: 1}\n";
  try {
    ex::run_experiment(spec, tmp.path() / "out");
    FAIL() << "expected an error";
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("different configuration"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("config.yaml"), std::string::npos);
  }
  EXPECT_TRUE(std::filesystem::exists(base / "test.json")) << "the finished run is left alone";
}

TEST(ExperimentRunner, ARunRecordedBeforeASettingExistedIsReusedWithItsDefault) {
  motioncue::testing::TempDir tmp;
  ex::ExperimentSpec spec = one_run_of_e1(tmp / "data", 100);
  spec.arms.clear();
  const motioncue::Config config = ex::baseline_config(spec, 100, 0);
  // The run as an older version recorded it: without the augment_strength line.
  std::string recorded = config.to_yaml();
  const auto line = recorded.find("  augment_strength:");
  ASSERT_NE(line, std::string::npos) << recorded;
  recorded.erase(line, recorded.find('\n', line) - line + 1);
  const auto base = tmp.path() / "out" / "labeled_100" / "seed_0" / "baseline";
  std::filesystem::create_directories(base);
  std::ofstream(base / "config.yaml") << recorded;
  std::ofstream(base / "test.json") << R"({"overall": {"mpjpe_mm": 2, "pa_mpjpe_mm": 1,
    "pve_mm": 3, "accel_mm_per_frame2": 4, "frames": 5}, "best_step": 7})";
  const auto result = ex::run_experiment(spec, tmp.path() / "out");
  ASSERT_EQ(result.runs.size(), 1u);
  EXPECT_EQ(result.runs[0].best_step, 7);
  EXPECT_EQ(result.runs[0].test.pa_mpjpe, 1.0);
  // Its test.json predates the facing diagnostics: unknown, and "-" in the table.
  EXPECT_TRUE(std::isnan(result.runs[0].facing.facing_wrong));
  EXPECT_TRUE(std::isnan(result.runs[0].facing.mpjpe_rot));
  const std::string md = ex::results_markdown(result, "motioncue experiment");
  EXPECT_NE(md.find("| MPJPE-R | facing wrong |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 2.0 ± 0.0 | - | - | 3.0 |"), std::string::npos) << md;
}

TEST(ExperimentRunner, ResultsTableShowsMpjpeRAndFacingWrongPerArm) {
  ex::ExperimentResult result{one_run_of_e1("data", 100), {}};
  result.spec.seeds = {0, 1};
  result.spec.arms = {{"control", YAML::Node()}, {"flow", YAML::Node()}};
  for (const std::uint64_t seed : {0u, 1u})
    for (const char* arm : {"baseline", "control", "flow"}) {
      ex::RunRecord r;
      r.arm = arm, r.labeled = 100, r.seed = seed;
      r.test.pa_mpjpe = 50, r.test.mpjpe = 80, r.test.pve = 90, r.test.accel = 1;
      r.facing.mpjpe_rot = 60 + 2.0 * seed;
      r.facing.facing_wrong = std::string(arm) == "flow" ? 0.5 + 0.1 * seed : 0.1;
      if (std::string(arm) == "control" && seed == 1)  // recorded before the fields existed
        r.facing.mpjpe_rot = r.facing.facing_wrong = std::nan("");
      result.runs.push_back(r);
    }
  const auto summaries = ex::summarise(result);
  ASSERT_EQ(summaries.size(), 3u);
  EXPECT_DOUBLE_EQ(summaries[2].facing_mean.facing_wrong, 0.55);
  EXPECT_DOUBLE_EQ(summaries[0].facing_mean.mpjpe_rot, 61.0);
  const std::string md = ex::results_markdown(result, "motioncue experiment");
  EXPECT_NE(md.find("| 100 | baseline | 50.0 ± 0.0 | 80.0 ± 0.0 | 61.0 ± 1.4 | 10 % | 90.0 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| 100 | flow | 50.0 ± 0.0 | 80.0 ± 0.0 | 61.0 ± 1.4 | 55 % |"),
            std::string::npos)
      << md;
  // One seed of the control recorded before the fields existed: its mean is unknown.
  EXPECT_NE(md.find("| 100 | control | 50.0 ± 0.0 | 80.0 ± 0.0 | - | - |"), std::string::npos)
      << md;
}

TEST(ExperimentRunner, AnInterruptedBaselineContinuesWhereItStopped) {
  const auto bench = motioncue::testing::make_small_benchmark({});
  ex::ExperimentSpec spec = one_run_of_e1(bench->path(), 4);
  spec.arms.clear();
  spec.train_common = YAML::Load(
      "model: {resolution: 32}\n"
      "train: {steps: 8, batch_size: 2, val_every: 4, log_every: 2, workers: 0, lr: 1.0e-3}\n"
      "device: cpu\n");
  const motioncue::Config config = ex::baseline_config(spec, 4, 0);

  motioncue::testing::TempDir tmp;
  {  // A run killed after its first validation, as a stopped demo leaves it.
    const motioncue::RunDir run(tmp / "resumed" / "labeled_4" / "seed_0" / "baseline");
    run.record(config);
    motioncue::train::run_training(config, run, {false, 4});
  }
  const auto resumed = ex::run_experiment(spec, tmp / "resumed");
  const auto straight = ex::run_experiment(spec, tmp / "straight");
  const auto log =
      motioncue::read_file_text(tmp / "resumed" / "labeled_4" / "seed_0" / "baseline" / "log.txt");
  EXPECT_NE(log.find("resuming from step 4"), std::string::npos) << log;
  ASSERT_EQ(resumed.runs.size(), 1u);
  EXPECT_EQ(resumed.runs[0].test.pa_mpjpe, straight.runs[0].test.pa_mpjpe);
  EXPECT_EQ(resumed.runs[0].best_step, straight.runs[0].best_step);
}

// Every arm's settings are checked before the first run: a typo in the last arm used to surface
// only when that arm's turn came, after every baseline and earlier arm had trained. The error
// names the spec, the arm (or the baseline) and the key; nothing is made in the output folder.
TEST(ExperimentRunner, ASpecIsCheckedWholeBeforeTheFirstRun) {
  motioncue::testing::TempDir tmp;
  const std::string head =
      "name: typo\ndata: " + (tmp / "data").string() + "\nseeds: [0, 1]\nlabeled_counts: [4, 8]\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      // (spec body, what the message starts with)
      {"arms:\n  control: {refine: {w_flow: 0}}\n  flow: {refine: {w_flwo: 0.01}}\n",
       "spec.yaml, arm 'flow': refine.w_flwo: unknown config key"},
      {"arms:\n  control: {refine: {w_flow: 0}}\n  flow: {refine: {w_flow: -1}}\n",
       "spec.yaml, arm 'flow': refine.w_flow: setting out of range"},
      {"arms:\n  control: {refine: {w_flow: 0}}\n  flow: {refine: {flow_loss: robutst}}\n",
       "spec.yaml, arm 'flow': refine.flow_loss: unknown flow loss form"},
      {"arms:\n  control: {refine: {w_flow: 0}}\n  flow: {refine: {flow: dis-mediun}}\n",
       "spec.yaml, arm 'flow': refine.flow: unknown flow estimator"},
      {"arms:\n  control: {refine: {w_flow: 0}}\n  flow: {device: gpu}\n",
       "spec.yaml, arm 'flow': device: unknown device"},
      {"train: {train: {lr_schedule: cosin}}\narms:\n  control: {refine: {w_flow: 0}}\n",
       "spec.yaml, baseline: train.lr_schedule: unknown learning-rate schedule"},
      {"train: {model: {backbone: resnet19}}\n",
       "spec.yaml, baseline: model.backbone: unknown backbone"}};
  for (const auto& [body, start] : cases) {
    SCOPED_TRACE(body);
    const ex::ExperimentSpec spec = ex::parse_experiment(head + body, "spec.yaml");
    try {
      ex::run_experiment(spec, tmp / "out");
      ADD_FAILURE() << "the spec was accepted";
    } catch (const motioncue::Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(start, 0), 0u) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(tmp / "out"));
  }
  // The built-in specs and the demo's (full and quick) pass the check.
  std::vector<ex::ExperimentSpec> specs;
  for (const auto& [name, text] : ex::builtin_experiment_table())
    specs.push_back(ex::load_experiment(name));
  for (const bool quick : {false, true})
    specs.push_back(ex::parse_experiment(ex::demo_experiment_yaml(quick, 0), "demo"));
  for (auto& spec : specs) {
    SCOPED_TRACE(spec.origin);
    spec.data = tmp / "data";
    EXPECT_NO_THROW(ex::check_experiment(spec));
  }
}
