// Checkpoints: a LibTorch archive (weights, buffers, optionally the optimizer state, and the
// default CPU generator's state) plus a JSON sidecar `<file>.json` holding the network config,
// the caller's metadata (step, metrics, body_model_hash, ...) and a checksum of the archive.
// Both files are written atomically; the sidecar goes last, so a crash in between leaves a
// checksum mismatch that load_checkpoint reports rather than a silently mixed pair.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "motioncue/model/network.h"

namespace torch::optim {
class Optimizer;
}
namespace motioncue::body {
class BodyModel;
}

namespace motioncue::model {

std::filesystem::path checkpoint_sidecar(const std::filesystem::path& file);  // file + ".json"

nlohmann::json to_json(const NetworkConfig& config);
// Throws Error naming `origin` and the key for a missing or invalid entry.
NetworkConfig network_config_from_json(const nlohmann::json& j, const std::string& origin);

// `meta` is free-form; by convention it holds "step", "metrics", "config" and
// "body_model_hash". The optimizer, when given, is saved for exact resumption; the default CPU
// generator's state is always saved.
void save_checkpoint(const std::filesystem::path& file, const PoseNetwork& network,
                     const nlohmann::json& meta,
                     const torch::optim::Optimizer* optimizer = nullptr);

struct LoadedCheckpoint {
  std::unique_ptr<PoseNetwork> network;  // on the CPU, in eval mode
  nlohmann::json meta;                   // what save_checkpoint was given
  bool has_optimizer = false;
};

// Checks the sidecar, the archive checksum and the architecture (every missing, unexpected or
// mis-shaped tensor is named in the Error); with a non-empty `expected_body_hash`, also that
// meta.body_model_hash equals it.
LoadedCheckpoint load_checkpoint(const std::filesystem::path& file,
                                 const std::string& expected_body_hash = "");
// A checkpoint to predict with for `body`: load_checkpoint with the body model's hash, the network
// moved to the body model's device and put in inference mode.
LoadedCheckpoint load_for_inference(const std::filesystem::path& file, const body::BodyModel& body);
// The caller's metadata of a checkpoint (what save_checkpoint was given), from its sidecar alone.
nlohmann::json checkpoint_meta(const std::filesystem::path& file);
// The network's architecture (backbone, input resolution, ...), from the sidecar alone.
NetworkConfig checkpoint_network_config(const std::filesystem::path& file);
// The weights and buffers of a checkpoint into an existing network of the same architecture.
void load_weights(const std::filesystem::path& file, PoseNetwork& network);
// The optimizer state, onto the device of the optimizer's parameters. The optimizer must have
// been built over the parameters of the loaded network, in PoseNetwork::parameters() order.
void load_optimizer_state(const std::filesystem::path& file, torch::optim::Optimizer& optimizer);
// Sets LibTorch's default CPU generator to its state when the checkpoint was saved.
void restore_rng_state(const std::filesystem::path& file);

}  // namespace motioncue::model
