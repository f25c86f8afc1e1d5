#include "motioncue/core/run_dir.h"

#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/folder_lock.h"
#include "motioncue/core/log.h"

namespace fs = std::filesystem;

namespace motioncue {

RunDir::RunDir(fs::path dir, ExistingRun existing) : dir_(std::move(dir)) {
  std::error_code ec;
  if (fs::exists(dir_, ec)) {
    if (!fs::is_directory(dir_, ec))
      throw Error("output path exists and is not a folder").file(dir_.string());
    if (existing == ExistingRun::kRefuse && !fs::is_empty(dir_, ec))
      throw Error("output folder exists and is not empty; choose another --out or remove it")
          .file(dir_.string());
  }
  fs::create_directories(dir_, ec);
  if (ec) throw Error("cannot create output folder: " + ec.message()).file(dir_.string());
  lock_ = std::make_shared<const FolderLock>(dir_);
}

void RunDir::record(const Config& config) const {
  write_file_atomic(dir_ / "config.yaml", config.to_yaml());
  log_ = add_log_file(dir_ / "log.txt");
}

void RunDir::continue_log() const { log_ = add_log_file(dir_ / "log.txt", /*append=*/true); }

}  // namespace motioncue
