#include "motioncue/infer/staged_output.h"

#include <vector>

#include "motioncue/core/error.h"
#include "motioncue/core/run_dir.h"

namespace motioncue::infer {

namespace fs = std::filesystem;

StagedOutput::StagedOutput(const fs::path& out, std::string partial_name)
    : out_(out), staging_(out / partial_name) {
  std::error_code ec;
  created_ = !fs::exists(out, ec);
  // kReuse only to claim a folder a killed run left its partial folder in; anything else in it
  // is refused below, as RunDir's kRefuse would.
  claim_ = std::make_unique<RunDir>(out, ExistingRun::kReuse);
  try {
    for (const auto& entry : fs::directory_iterator(out))
      if (entry.path().filename() != partial_name)
        throw Error("output folder exists and is not empty; choose another --out or remove it")
            .file(out.string());
    // Holding the claim, a partial folder here is a killed run's.
    fs::remove_all(staging_, ec);
    fs::create_directories(staging_, ec);
    if (ec) throw Error("cannot create the output folder: " + ec.message()).file(staging_.string());
  } catch (...) {
    if (created_) fs::remove(out_, ec);
    throw;
  }
}

StagedOutput::~StagedOutput() {
  if (committed_ || !claim_) return;
  std::error_code ec;
  // Everything in <out> is this run's: it held nothing else when the claim was taken.
  std::vector<fs::path> entries;
  for (auto it = fs::directory_iterator(out_, ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    entries.push_back(it->path());
  for (const auto& p : entries) fs::remove_all(p, ec);
  if (created_) fs::remove(out_, ec);
}

void StagedOutput::commit() {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(staging_)) entries.push_back(entry.path());
  for (const auto& p : entries) fs::rename(p, out_ / p.filename());
  fs::remove(staging_);
  committed_ = true;
}

}  // namespace motioncue::infer
