// A pose network whose weights are all zero: every crop gets the initial state (the upright body
// facing the camera), so every prediction, and every predicted motion, is known exactly.
#pragma once

#include <torch/torch.h>

#include "motioncue/model/network.h"

namespace motioncue::testing {

inline model::PoseNetwork constant_network(int resolution) {
  model::NetworkConfig config;
  config.resolution = resolution;
  model::PoseNetwork network(config, model::InitialState::upright_default());
  torch::NoGradGuard no_grad;
  for (auto& p : network.parameters()) p.zero_();
  return network;
}

}  // namespace motioncue::testing
