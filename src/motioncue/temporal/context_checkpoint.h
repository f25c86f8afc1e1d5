// The context network's own small checkpoint, kept next to the pose network's: a LibTorch archive
// of its parameters and a JSON sidecar `<file>.json` (config, feature size, checksum, caller's
// metadata). Both are written atomically, the sidecar last.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

#include "motioncue/temporal/context_model.h"

namespace motioncue::temporal {

nlohmann::json to_json(const ContextConfig& config);
// Throws Error naming `origin` and the key for a missing or invalid entry.
ContextConfig context_config_from_json(const nlohmann::json& j, const std::string& origin);

void save_context(const std::filesystem::path& file, const ContextNetwork& network,
                  const nlohmann::json& meta = nlohmann::json::object());

struct LoadedContext {
  ContextNetwork network;  // on the CPU, in eval mode
  nlohmann::json meta;
};
// Checks the sidecar, the checksum and every parameter's name and shape.
LoadedContext load_context(const std::filesystem::path& file);

}  // namespace motioncue::temporal
