#include "motioncue/train/curve_log.h"

#include <fmt/format.h>
#include <algorithm>

#include "motioncue/core/files.h"

namespace motioncue::train {

void CurveLog::add(long step, const std::map<std::string, double>& values) {
  for (const auto& [k, v] : values)
    if (std::find(columns_.begin(), columns_.end(), k) == columns_.end()) columns_.push_back(k);
  rows_.emplace_back(step, values);
}

void CurveLog::flush() const {
  std::string out = "step";
  for (const auto& c : columns_) out += "," + c;
  out += "\n";
  for (const auto& [step, values] : rows_) {
    out += std::to_string(step);
    for (const auto& c : columns_) {
      out += ",";
      const auto it = values.find(c);
      if (it != values.end()) out += fmt::format("{:.6g}", it->second);
    }
    out += "\n";
  }
  write_file_atomic(file_, out);
}

}  // namespace motioncue::train
