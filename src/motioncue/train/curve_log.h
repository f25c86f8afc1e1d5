// Training curves: one row per logged step, written as CSV (curves.csv) for plots and reports.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace motioncue::train {

class CurveLog {
 public:
  explicit CurveLog(std::filesystem::path file) : file_(std::move(file)) {}
  // Adds a row; columns are created as they first appear (missing values stay empty).
  void add(long step, const std::map<std::string, double>& values);
  // Rewrites the file atomically with every row so far.
  void flush() const;

 private:
  std::filesystem::path file_;
  std::vector<std::string> columns_;
  std::vector<std::pair<long, std::map<std::string, double>>> rows_;
};

}  // namespace motioncue::train
