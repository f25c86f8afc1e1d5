// A TorchScript flow module that returns NaN flow of the right shape (a broken or diverged
// network), written by LibTorch itself so no Python is needed to make it.
#pragma once

#include <torch/script.h>

#include <filesystem>

namespace motioncue::testing {

inline std::filesystem::path write_nan_flow_module(const std::filesystem::path& file) {
  torch::jit::Module module("NanFlow");
  module.define(R"(
def forward(self, image1, image2):
    return image1[:, :2] * 0.0 / 0.0
)");
  module.save(file.string());
  return file;
}

}  // namespace motioncue::testing
