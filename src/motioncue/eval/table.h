// Plain-text tables of evaluation results for the terminal and markdown reports.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace motioncue::eval {

struct MetricSummary;

// One row per (name, summary): PA-MPJPE, MPJPE, PVE, accel, frames, as a markdown table.
std::string metrics_table(const std::vector<std::pair<std::string, MetricSummary>>& rows);

}  // namespace motioncue::eval
