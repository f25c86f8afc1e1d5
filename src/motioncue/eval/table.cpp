#include "motioncue/eval/table.h"

#include <fmt/format.h>

#include "motioncue/eval/metrics.h"

namespace motioncue::eval {

std::string metrics_table(const std::vector<std::pair<std::string, MetricSummary>>& rows) {
  std::size_t w = 8;
  for (const auto& r : rows) w = std::max(w, r.first.size());
  std::string out = fmt::format("| {:<{}} | PA-MPJPE | MPJPE | PVE | accel | frames |\n", "", w);
  out += fmt::format("|{:-<{}}|---------:|------:|----:|------:|-------:|\n", "", w + 2);
  for (const auto& [name, s] : rows)
    out += fmt::format("| {:<{}} | {:8.1f} | {:5.1f} | {:3.0f} | {:5.2f} | {:6d} |\n", name, w,
                       s.pa_mpjpe, s.mpjpe, s.pve, s.accel, s.frames);
  return out;
}

}  // namespace motioncue::eval
