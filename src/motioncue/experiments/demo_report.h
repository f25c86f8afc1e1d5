// The demo's report: results table, curves, per-joint errors, before/after overlays and video,
// optical flow next to the mesh flow, and the config, seed, versions, machine and stage timings.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace motioncue::body {
class BodyModel;
}

namespace motioncue::experiments {

struct ExperimentResult;
using DemoTimings = std::vector<std::pair<std::string, double>>;

struct DemoReportInput {
  const ExperimentResult& result;
  const body::BodyModel& body;
  std::filesystem::path benchmark, out;
  std::string experiment_yaml, command;
  std::uint64_t seed;
  DemoTimings timings;
};

// Writes out/report.html, report.md, report_files/, report.json and predictions/<arm>.npz.
void write_demo_report(const DemoReportInput& input);

// curves.csv of a run: column name -> (steps, values), empty cells skipped.
std::vector<std::pair<std::string, std::pair<std::vector<double>, std::vector<double>>>>
read_curves(const std::filesystem::path& csv);

}  // namespace motioncue::experiments
