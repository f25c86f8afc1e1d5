#include "motioncue/experiments/experiment_runner.h"

#include <torch/torch.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "motioncue/body/body_model.h"
#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/distributed/process_group.h"
#include "motioncue/eval/evaluator.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/train/data_parallel.h"
#include "motioncue/train/defaults.h"
#include "motioncue/train/options.h"
#include "motioncue/train/run_setup.h"
#include "motioncue/train/trainers.h"
#include "motioncue/train/training_loop.h"

namespace fs = std::filesystem;

namespace motioncue::experiments {
namespace {

std::string yaml_text(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

void merge_node(Config& config, const YAML::Node& n, const std::string& origin) {
  if (n && n.IsMap() && n.size() > 0) config.merge_yaml(yaml_text(n), origin);
}

std::string spec_origin(const ExperimentSpec& spec) {
  return spec.origin.empty() ? "experiment '" + spec.name + "'" : spec.origin;
}

// How errors name a part of the spec: "FILE, arm 'flow'".
std::string spec_part(const ExperimentSpec& spec, const std::string& part) {
  return spec_origin(spec) + ", " + part;
}

// Runs `check`; an Error it throws without a file (a settings check names only the key) is given
// the spec part it concerns.
template <class F>
void in_part(const ExperimentSpec& spec, const std::string& part, F&& check) {
  try {
    check();
  } catch (Error& e) {
    if (e.file_path().empty()) e.file(spec_part(spec, part));
    throw;
  }
}

// Reads what eval::to_json(MetricSummary) writes (null where a metric was not computable).
eval::MetricSummary read_summary(const nlohmann::json& j) {
  auto num = [&](const char* key) {
    const auto& v = j.at(key);
    return v.is_null() ? std::nan("") : v.get<double>();
  };
  eval::MetricSummary s;
  s.mpjpe = num("mpjpe_mm");
  s.pa_mpjpe = num("pa_mpjpe_mm");
  s.pve = num("pve_mm");
  s.accel = num("accel_mm_per_frame2");
  s.frames = j.at("frames");
  return s;
}

// Evaluates the run's best checkpoint on the test split; writes test.json and the predictions.
RunRecord evaluate_run(const fs::path& dir, const fs::path& split, const std::string& device_name) {
  const auto device = train::resolve_device(device_name);
  const auto body = train::load_body_model("", device);
  const auto loaded = model::load_for_inference(dir / "best.ckpt", body);
  const auto r = eval::evaluate_network(*loaded.network, body, data::VideoDataset::open(split));
  eval::write_predictions(dir / "test_predictions.npz", r);
  nlohmann::json j = eval::to_json(r);
  const nlohmann::json summary = read_json_file(dir / "summary.json");
  j["val_pa_mpjpe"] = summary.at("best_val_pa_mpjpe");
  j["best_step"] = summary.at("best_step");
  j["seconds"] = summary.at("seconds");
  write_file_atomic(dir / "test.json", j.dump(2) + "\n");
  RunRecord rec;
  rec.test = r.overall;
  rec.facing = r.facing;
  return rec;
}

// The config.yaml recorded in `dir`, read over today's `defaults`: a run recorded before a
// setting existed counts as run with that setting's default (a new setting's default always keeps
// the old behaviour). A recorded setting that no longer exists leaves the text as recorded.
std::string recorded_config(const fs::path& dir, const char* defaults) {
  try {
    Config upgraded(defaults, "defaults");
    upgraded.merge_file(dir / "config.yaml");
    return upgraded.to_yaml();
  } catch (const Error&) {
    return read_file_text(dir / "config.yaml");
  }
}

// True when `dir` holds an evaluated run of exactly `config`. A finished run of another config
// is an error rather than silently reused or overwritten: two specs may share an output folder
// (E3's control and flow arms are E1's) only where their runs are the same.
bool finished_with(const fs::path& dir, const Config& config, const char* defaults) {
  if (!fs::exists(dir / "test.json")) return false;
  const std::string recorded = recorded_config(dir, defaults);
  const std::string wanted = config.to_yaml();
  if (recorded == wanted) return true;
  // Name the first line that differs, so the user sees which setting changed.
  std::istringstream a(recorded), b(wanted);
  std::string line_a, line_b;
  while (std::getline(a, line_a) && std::getline(b, line_b) && line_a == line_b) {
  }
  throw Error(
      "the output folder holds a finished run of a different configuration; use another --out or "
      "remove it")
      .file((dir / "config.yaml").string())
      .expected(line_b)
      .found(line_a);
}

// True when `dir` holds an interrupted run (a baseline or an arm) of exactly `config` with a
// resume point, which train::run_training or run_refinement can continue instead of starting
// again.
bool resumable_with(const fs::path& dir, const Config& config, const char* defaults) {
  if (fs::exists(dir / "summary.json") || !fs::exists(dir / "last.ckpt") ||
      !fs::exists(dir / "config.yaml"))
    return false;
  if (recorded_config(dir, defaults) != config.to_yaml()) return false;
  try {
    train::resume_point(dir);
    return true;
  } catch (const Error&) {
    return false;  // a checkpoint without resume state: start again
  }
}

RunRecord load_record(const fs::path& dir) {
  const auto file = (dir / "test.json").string();
  const auto j = read_json_file(file);
  RunRecord r;
  r.test = read_summary(j.at("overall"));
  // A test.json written before the facing diagnostics existed has no "facing": NaN fields.
  r.facing = eval::facing_from_json(j.contains("facing") ? j["facing"] : nlohmann::json());
  r.val_pa_mpjpe = json_field_or(j, "val_pa_mpjpe", 0.0, file);
  r.best_step = json_field_or(j, "best_step", -1L, file);
  r.seconds = json_field_or(j, "seconds", 0.0, file);
  r.dir = dir;
  return r;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / v.size();
}
double sd(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / (v.size() - 1));
}

// A table cell, or "-" where the value is unknown (a run recorded before the field existed).
std::string cell(double value, const std::string& text) { return std::isnan(value) ? "-" : text; }

enum class NextStep : std::int64_t { kNothing = 0, kResume = 1, kStart = 2 };

// In a group, rank 0 (which owns the run folders) decides and the others follow.
NextStep agree(NextStep mine, distributed::Group* group) {
  if (!group) return mine;
  const auto t = torch::tensor({static_cast<std::int64_t>(mine)}, torch::kLong);
  group->broadcast({t});
  return static_cast<NextStep>(t.item<std::int64_t>());
}

// Runs `trainer` into `dir` unless a finished run of `config` is there: an interrupted one (a
// killed demo or experiment) continues where it stopped, anything else is replaced. Then
// evaluates the run on `split`. Ranks > 0 of a group train in a scratch folder and wait while
// rank 0 evaluates.
void run_unless_finished(const fs::path& dir, const Config& config, const char* defaults,
                         const std::string& stage, const RunnerHooks& hooks,
                         train::TrainSummary (*trainer)(const Config&, const RunDir&,
                                                        train::TrainControl),
                         const fs::path& split, const std::string& device,
                         distributed::Group* group) {
  const bool writes = !group || group->rank() == 0;
  NextStep next = NextStep::kStart;
  if (writes) {
    next = finished_with(dir, config, defaults)    ? NextStep::kNothing
           : resumable_with(dir, config, defaults) ? NextStep::kResume
                                                   : NextStep::kStart;
  }
  next = agree(next, group);
  if (next == NextStep::kNothing) return;
  train::TrainControl control;
  control.resume = next == NextStep::kResume;
  control.group = group;
  if (!writes) {
    if (control.resume) control.resume_from = dir;
    train::run_in_scratch_folder(*group, [&](const RunDir& run) { trainer(config, run, control); });
    group->barrier();
    return;
  }
  if (hooks.on_stage) hooks.on_stage(stage);
  if (control.resume) {
    const RunDir run(dir, ExistingRun::kReuse);
    run.continue_log();
    trainer(config, run, control);
  } else {
    fs::remove_all(dir);
    RunDir run(dir);
    run.record(config);
    trainer(config, run, control);
  }
  evaluate_run(dir, split, device);
  if (group) group->barrier();
}

}  // namespace

Config baseline_config(const ExperimentSpec& spec, std::int64_t count, std::uint64_t seed) {
  Config config(train::kTrainDefaults, "train defaults");
  merge_node(config, spec.train_common, spec_part(spec, "train"));
  config.set("data=" + spec.data.string());
  config.set(fmt::format("seed={}", seed));
  config.set(fmt::format("labeled.count={}", count));
  return config;
}

Config arm_config(const ExperimentSpec& spec, const Arm& arm, std::int64_t count,
                  std::uint64_t seed, const fs::path& init) {
  Config config(train::kRefineDefaults, "refine defaults");
  merge_node(config, spec.refine_common, spec_part(spec, "refine"));
  merge_node(config, arm.overrides, spec_part(spec, "arm '" + arm.name + "'"));
  config.set("data=" + spec.data.string());
  config.set(fmt::format("seed={}", seed));
  config.set(fmt::format("labeled.count={}", count));
  config.set(fmt::format("labeled.seed={}", seed));
  config.set("init=" + init.string());
  return config;
}

void check_experiment(const ExperimentSpec& spec) {
  if (spec.data.empty())
    throw Error("the experiment names no benchmark").file(spec_origin(spec)).key("data");
  for (const auto count : spec.labeled_counts)
    for (const auto seed : spec.seeds) {
      in_part(spec, "baseline", [&] {
        train::BaselineOptions::from_config(baseline_config(spec, count, seed)).check();
      });
      for (const auto& arm : spec.arms)
        in_part(spec, "arm '" + arm.name + "'", [&] {
          train::RefineOptions::from_config(arm_config(spec, arm, count, seed, "baseline.ckpt"))
              .check();
        });
    }
}

ExperimentResult run_experiment(const ExperimentSpec& spec, const fs::path& out,
                                const RunnerHooks& hooks, distributed::Group* group) {
  const bool writes = !group || group->rank() == 0;
  check_experiment(spec);
  const fs::path split = spec.data / spec.eval_split;
  ExperimentResult result{spec, {}};
  const auto record = [&](const fs::path& dir, const std::string& arm, std::int64_t count,
                          std::uint64_t seed) {
    if (!writes) return;
    RunRecord r = load_record(dir);
    r.arm = arm, r.labeled = count, r.seed = seed;
    result.runs.push_back(r);
  };
  for (const auto count : spec.labeled_counts) {
    for (const auto seed : spec.seeds) {
      const fs::path runs = out / fmt::format("labeled_{}", count) / fmt::format("seed_{}", seed);
      const std::string device = "auto";
      // The baseline of this (count, seed).
      const fs::path base_dir = runs / "baseline";
      run_unless_finished(base_dir, baseline_config(spec, count, seed), train::kTrainDefaults,
                          fmt::format("baseline, {} labeled, seed {}", count, seed), hooks,
                          &train::run_training, split, device, group);
      record(base_dir, "baseline", count, seed);
      for (const auto& arm : spec.arms) {
        const fs::path dir = runs / arm.name;
        run_unless_finished(dir, arm_config(spec, arm, count, seed, base_dir / "best.ckpt"),
                            train::kRefineDefaults,
                            fmt::format("{}, {} labeled, seed {}", arm.name, count, seed), hooks,
                            &train::run_refinement, split, device, group);
        record(dir, arm.name, count, seed);
      }
    }
  }
  return result;
}

std::vector<ArmSummary> summarise(const ExperimentResult& result) {
  std::vector<ArmSummary> out;
  std::vector<std::string> arms{"baseline"};
  for (const auto& a : result.spec.arms) arms.push_back(a.name);
  const bool has_control = std::find(arms.begin(), arms.end(), "control") != arms.end();
  for (const auto count : result.spec.labeled_counts) {
    // Paired by seed: the arm and its references share the baseline network and data.
    std::map<std::pair<std::string, std::uint64_t>, const RunRecord*> by;
    for (const auto& r : result.runs)
      if (r.labeled == count) by[{r.arm, r.seed}] = &r;
    for (const auto& arm : arms) {
      ArmSummary s;
      s.arm = arm, s.labeled = count, s.has_control = has_control;
      std::vector<double> pa, mp, pv, ac, d_base, d_ctrl;
      std::vector<double> mp_rot, f_away, f_away_gt, f_wrong, f_flips, f_flips_gt, f_turn;
      for (const auto seed : result.spec.seeds) {
        const auto it = by.find({arm, seed});
        if (it == by.end()) continue;
        const auto& t = it->second->test;
        pa.push_back(t.pa_mpjpe), mp.push_back(t.mpjpe), pv.push_back(t.pve), ac.push_back(t.accel);
        const auto& f = it->second->facing;
        mp_rot.push_back(f.mpjpe_rot), f_away.push_back(f.facing_away);
        f_away_gt.push_back(f.facing_away_gt), f_wrong.push_back(f.facing_wrong);
        f_flips.push_back(f.facing_flips), f_flips_gt.push_back(f.facing_flips_gt);
        f_turn.push_back(f.facing_turn_deg);
        s.step_per_seed.push_back(it->second->best_step);
        s.mean.frames = t.frames;
        const auto b = by.find({"baseline", seed});
        if (b != by.end()) d_base.push_back(100.0 * (t.pa_mpjpe / b->second->test.pa_mpjpe - 1.0));
        const auto c = by.find({"control", seed});
        if (c != by.end()) d_ctrl.push_back(100.0 * (t.pa_mpjpe / c->second->test.pa_mpjpe - 1.0));
      }
      s.seeds = static_cast<int>(pa.size());
      s.pa_per_seed = pa;
      s.mean.pa_mpjpe = mean(pa), s.sd.pa_mpjpe = sd(pa);
      s.mean.mpjpe = mean(mp), s.sd.mpjpe = sd(mp);
      s.mean.pve = mean(pv), s.sd.pve = sd(pv);
      s.mean.accel = mean(ac), s.sd.accel = sd(ac);
      // NaN (a run recorded before the facing diagnostics) propagates into mean and sd.
      const auto mean_sd = [](const std::vector<double>& v, double& m, double& d) {
        m = mean(v), d = sd(v);
      };
      mean_sd(mp_rot, s.facing_mean.mpjpe_rot, s.facing_sd.mpjpe_rot);
      mean_sd(f_away, s.facing_mean.facing_away, s.facing_sd.facing_away);
      mean_sd(f_away_gt, s.facing_mean.facing_away_gt, s.facing_sd.facing_away_gt);
      mean_sd(f_wrong, s.facing_mean.facing_wrong, s.facing_sd.facing_wrong);
      mean_sd(f_flips, s.facing_mean.facing_flips, s.facing_sd.facing_flips);
      mean_sd(f_flips_gt, s.facing_mean.facing_flips_gt, s.facing_sd.facing_flips_gt);
      mean_sd(f_turn, s.facing_mean.facing_turn_deg, s.facing_sd.facing_turn_deg);
      s.change_vs_baseline = mean(d_base);
      s.change_vs_control = mean(d_ctrl);
      s.vs_control_per_seed = d_ctrl;
      out.push_back(s);
    }
  }
  return out;
}

std::string results_markdown(const ExperimentResult& result, const std::string& command) {
  std::string md = "### " + result.spec.name + "\n\n";
  md += "Command: `" + command + "`\n\n";
  md += fmt::format(
      "Seeds: {}; test split: {}; numbers in mm (accel in mm/frame^2), mean ± sd "
      "over seeds; changes are per-seed paired relative PA-MPJPE changes; @N is the step that "
      "model selection on the validation split chose (@0 for an arm: no step beat its start, so "
      "the arm is its baseline). MPJPE-R: MPJPE with only the best global rotation removed "
      "(about the pelvis, no scale); facing wrong: share of test frames whose predicted facing "
      "direction is more than 90 degrees from the truth's (\"-\": a run recorded before these "
      "existed).\n\n",
      fmt::join(result.spec.seeds, ", "), result.spec.eval_split);
  md +=
      "| labeled | arm | PA-MPJPE | MPJPE | MPJPE-R | facing wrong | PVE | accel | vs baseline | "
      "vs control | PA-MPJPE per seed | vs control per seed |\n";
  md += "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n";
  for (const auto& s : summarise(result)) {
    std::vector<std::string> per;
    for (size_t i = 0; i < s.pa_per_seed.size(); ++i)
      per.push_back(fmt::format("{:.1f} @{}", s.pa_per_seed[i], s.step_per_seed[i]));
    std::vector<std::string> per_control;
    if (s.arm != "baseline" && s.arm != "control")
      for (double v : s.vs_control_per_seed) per_control.push_back(fmt::format("{:+.1f} %", v));
    const auto& f = s.facing_mean;
    md += fmt::format(
        "| {} | {} | {:.1f} ± {:.1f} | {:.1f} ± {:.1f} | {} | {} | {:.1f} | {:.2f} | {} | {} | {} "
        "| {} |\n",
        s.labeled, s.arm, s.mean.pa_mpjpe, s.sd.pa_mpjpe, s.mean.mpjpe, s.sd.mpjpe,
        cell(f.mpjpe_rot, fmt::format("{:.1f} ± {:.1f}", f.mpjpe_rot, s.facing_sd.mpjpe_rot)),
        cell(f.facing_wrong, fmt::format("{:.0f} %", 100.0 * f.facing_wrong)), s.mean.pve,
        s.mean.accel, s.arm == "baseline" ? "" : fmt::format("{:+.1f} %", s.change_vs_baseline),
        (!s.has_control || s.arm == "baseline" || s.arm == "control")
            ? ""
            : fmt::format("{:+.1f} %", s.change_vs_control),
        fmt::join(per, ", "), fmt::join(per_control, ", "));
  }
  return md + "\n";
}

void write_results(const ExperimentResult& result, const fs::path& out,
                   const std::string& command) {
  nlohmann::json j;
  j["name"] = result.spec.name;
  j["command"] = command;
  for (const auto& r : result.runs) {
    j["runs"].push_back({{"arm", r.arm},
                         {"labeled", r.labeled},
                         {"seed", r.seed},
                         {"pa_mpjpe", r.test.pa_mpjpe},
                         {"mpjpe", r.test.mpjpe},
                         {"pve", r.test.pve},
                         {"accel", r.test.accel},
                         {"facing", eval::to_json(r.facing)},
                         {"val_pa_mpjpe", r.val_pa_mpjpe},
                         {"best_step", r.best_step},
                         {"seconds", r.seconds},
                         {"dir", r.dir.string()}});
  }
  write_file_atomic(out / "results.json", j.dump(2) + "\n");
  write_file_atomic(out / "results.md", results_markdown(result, command));
}

}  // namespace motioncue::experiments
