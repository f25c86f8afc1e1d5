// What every trainer does first: pick the device, load the body model, open the data.
#pragma once

#include <c10/core/Device.h>

#include <filesystem>
#include <string>

namespace motioncue {
class Config;
}
namespace motioncue::body {
class BodyModel;
}

namespace motioncue::train {

// "auto" = CUDA when LibTorch has it, else CPU. Throws Error for an unknown name or missing CUDA.
c10::Device resolve_device(const std::string& name);
// The built-in open body model when `path` is empty.
body::BodyModel load_body_model(const std::string& path, const c10::Device& device);
// The benchmark root of `config` ("data"), checked to exist.
std::filesystem::path data_root(const Config& config);

}  // namespace motioncue::train
