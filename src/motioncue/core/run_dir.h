// A run folder: every verb that produces results writes them under one, with a copy of the
// resolved config and a log file, so a run can be understood and repeated later.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace motioncue {

class Config;

enum class ExistingRun { kRefuse, kReuse };

class RunDir {
 public:
  // Creates `dir`. An existing non-empty folder is an Error unless `existing` is kReuse
  // (resuming, or a verb that fills a cache). The folder is claimed (FolderLock) until this
  // RunDir and its copies go: a second process writing it is an Error.
  RunDir(std::filesystem::path dir, ExistingRun existing = ExistingRun::kRefuse);

  const std::filesystem::path& path() const { return dir_; }
  std::filesystem::path operator/(const std::string& name) const { return dir_ / name; }

  // Writes config.yaml and starts logging to log.txt, until this RunDir (and its copies) goes.
  void record(const Config& config) const;
  // A resumed run: logs to the end of the existing log.txt and leaves config.yaml as recorded.
  void continue_log() const;

 private:
  std::filesystem::path dir_;
  std::shared_ptr<const void> lock_;   // the FolderLock
  mutable std::shared_ptr<void> log_;  // the log.txt sink, removed with the last copy
};

}  // namespace motioncue
