// The output folder of one run, all or nothing: outputs are written under <out>/<partial> and
// moved up into <out> by commit() once the run has succeeded. Without commit() (an Error, an
// exception of any kind) everything this run put into <out> is removed, and <out> too when the
// run made it, so a failed run leaves nothing new behind. A run killed outright leaves only the
// hidden partial folder, which the next run into <out> removes. The folder is claimed (RunDir's
// lock) for the run's life, so a second writer is refused.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace motioncue {
class RunDir;
}

namespace motioncue::infer {

class StagedOutput {
 public:
  // Throws Error naming `out` when it holds anything but a killed run's partial folder, or when
  // another process holds it.
  StagedOutput(const std::filesystem::path& out, std::string partial_name);
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;
  ~StagedOutput();

  // Where this run writes until commit().
  const std::filesystem::path& path() const { return staging_; }
  void commit();

 private:
  std::filesystem::path out_, staging_;
  bool created_ = false, committed_ = false;
  std::unique_ptr<RunDir> claim_;
};

}  // namespace motioncue::infer
