#include "motioncue/train/curve_log.h"

#include <fmt/format.h>
#include <algorithm>
#include <sstream>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/parse.h"

namespace motioncue::train {

namespace {

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

double parse_cell(const std::string& cell, const std::filesystem::path& file, std::size_t line) {
  const auto v = parse_double(cell);
  if (!v)
    throw Error("malformed training curve")
        .file(file.string())
        .found("'" + cell + "' on line " + std::to_string(line));
  return *v;
}

}  // namespace

CurveTable read_curve_table(const std::filesystem::path& file) {
  CurveTable table;
  std::stringstream in(read_file_text(file));
  std::string line;
  if (!std::getline(in, line)) return table;
  const auto header = split_commas(line);
  if (header.empty() || header.front() != "step")
    throw Error("malformed training curve").file(file.string()).expected("a first column 'step'");
  table.columns.assign(header.begin() + 1, header.end());
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const auto cells = split_commas(line);
    if (cells.size() != header.size())
      throw Error("malformed training curve")
          .file(file.string())
          .expected(std::to_string(header.size()) + " cells a line")
          .found(std::to_string(cells.size()) + " on line " + std::to_string(number));
    CurveRow row;
    row.step = static_cast<long>(parse_cell(cells[0], file, number));
    for (std::size_t i = 1; i < cells.size(); ++i)
      if (!cells[i].empty()) row.values[table.columns[i - 1]] = parse_cell(cells[i], file, number);
    table.rows.push_back(std::move(row));
  }
  return table;
}

void CurveLog::keep_existing(long last_step) {
  // A run stopped before its first logged row has no curves.csv yet: nothing to keep.
  if (!std::filesystem::exists(file_)) {
    table_ = {};
    return;
  }
  table_ = read_curve_table(file_);
  auto& rows = table_.rows;
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [&](const CurveRow& r) { return r.step > last_step; }),
             rows.end());
}

void CurveLog::add(long step, const std::map<std::string, double>& values) {
  for (const auto& [k, v] : values)
    if (std::find(table_.columns.begin(), table_.columns.end(), k) == table_.columns.end())
      table_.columns.push_back(k);
  table_.rows.push_back({step, values});
}

void CurveLog::flush() const {
  std::string out = "step";
  for (const auto& c : table_.columns) out += "," + c;
  out += "\n";
  for (const auto& row : table_.rows) {
    out += std::to_string(row.step);
    for (const auto& c : table_.columns) {
      out += ",";
      const auto it = row.values.find(c);
      if (it != row.values.end()) out += fmt::format("{:.6g}", it->second);
    }
    out += "\n";
  }
  write_file_atomic(file_, out);
}

}  // namespace motioncue::train
