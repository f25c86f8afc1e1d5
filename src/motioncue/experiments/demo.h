// motioncue demo: the whole low-data experiment on the built-in default — the open body model,
// the synthetic benchmark, optical flow, the baseline on a few labeled images, the control and
// the three refinement arms (flow, TexturePose, both), evaluation on the test split — and a report
// a person reads at a glance (report.html, report.md, report.json).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace motioncue::experiments {

struct DemoOptions {
  std::filesystem::path out = "runs/demo";
  bool quick = false;  // every stage at tiny sizes (minutes), for CI and a first look
  std::uint64_t seed = 0;
  std::filesystem::path data;  // an existing benchmark root; empty: generate one under out
  // "key=value" settings for every run: refine.* ones for the refinement arms, the others
  // (model.*, train.*, labeled.*) for the baselines, e.g. model.backbone=movenet-lightning.
  std::vector<std::string> overrides;
};

// Labeled images of the full demo: E1's smallest size.
constexpr std::int64_t kDemoLabeledCount = 100;

// The experiment the demo runs, as YAML (also printed into the report), with `overrides`
// applied; a malformed one is an Error naming --set.
std::string demo_experiment_yaml(bool quick, std::uint64_t seed,
                                 const std::vector<std::string>& overrides = {});

void run_demo(const DemoOptions& options);

}  // namespace motioncue::experiments
