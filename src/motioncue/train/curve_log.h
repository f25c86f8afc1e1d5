// Training curves: one row per logged step, written as CSV (curves.csv) for plots and reports.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace motioncue::train {

struct CurveRow {
  long step = 0;
  std::map<std::string, double> values;  // the columns this row has (empty cells are absent)
};

struct CurveTable {
  std::vector<std::string> columns;  // without "step", in file order
  std::vector<CurveRow> rows;
};

// Reads a curves.csv; a malformed file (no 'step' column, a ragged line, a cell that is not a
// number) is an Error naming the file and the line.
CurveTable read_curve_table(const std::filesystem::path& file);

class CurveLog {
 public:
  explicit CurveLog(std::filesystem::path file) : file_(std::move(file)) {}
  // Takes over the rows already in the file (a resumed run) up to `last_step`; rows after it were
  // logged past the checkpoint being resumed and are dropped.
  void keep_existing(long last_step);
  // Adds a row; columns are created as they first appear (missing values stay empty).
  void add(long step, const std::map<std::string, double>& values);
  // Rewrites the file atomically with every row so far.
  void flush() const;

 private:
  std::filesystem::path file_;
  CurveTable table_;
};

}  // namespace motioncue::train
