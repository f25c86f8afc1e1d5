// The built-in open model's cache: built on first use, rebuilt when the cached file comes from
// another generator revision.
#include <torch/torch.h>

#include <cstdlib>
#include <mutex>

#include "motioncue/body/body_model.h"
#include "motioncue/body/open_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"

namespace motioncue::body {
namespace {

bool is_current(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return false;
  try {
    const Npz npz = read_npz(file);
    return npz.contains("open_body_generator") &&
           npz.at("open_body_generator").to_i64() == std::vector<std::int64_t>{kOpenBodyRevision};
  } catch (const Error&) {
    return false;  // unreadable: rebuild it
  }
}

}  // namespace

std::filesystem::path default_model_path() { return user_cache_dir() / "open_body_v1.npz"; }

BodyModel load_default_model() {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const auto path = default_model_path();
  if (!is_current(path)) build_open_body_model(path);
  return BodyModel::load(path);
}

}  // namespace motioncue::body
