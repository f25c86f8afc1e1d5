#include "motioncue/temporal/context_checkpoint.h"

#include <torch/torch.h>

#include <cstdint>
#include <sstream>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/json_file.h"
#include "motioncue/model/archive_file.h"

namespace motioncue::temporal {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr const char* kFormat = "motioncue-temporal-context";
constexpr int kVersion = 1;

fs::path sidecar_of(const fs::path& file) { return fs::path(file.string() + ".json"); }
}  // namespace

json to_json(const ContextConfig& config) {
  return {{"frames", config.frames}, {"channels", config.channels}, {"hidden", config.hidden}};
}

ContextConfig context_config_from_json(const json& j, const std::string& origin) {
  ContextConfig c;
  for (auto [key, field] : {std::pair<const char*, int*>{"frames", &c.frames},
                            {"channels", &c.channels},
                            {"hidden", &c.hidden}}) {
    if (!j.contains(key) || !j[key].is_number_integer())
      throw Error("missing or non-integer context setting").file(origin).key(key);
    *field = j[key].get<int>();
  }
  try {
    validate(c);
  } catch (Error& e) {
    throw e.file(origin);
  }
  return c;
}

void save_context(const fs::path& file, const ContextNetwork& network, const json& meta) {
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  torch::serialize::OutputArchive archive;
  for (const auto& [name, tensor] : network.named_parameters())
    archive.write(name, tensor.detach().cpu());
  const json record = model::write_archive(file, archive);
  json sidecar = {{"format", kFormat},
                  {"version", kVersion},
                  {"context", to_json(network.config())},
                  {"feature_dim", network.feature_dim()},
                  {"parameter_count", network.parameter_count()},
                  {"archive", record},
                  {"meta", meta}};
  write_file_atomic(sidecar_of(file), sidecar.dump(2) + "\n");
}

LoadedContext load_context(const fs::path& file) {
  require_regular_file(file);
  const auto side = sidecar_of(file);
  require_regular_file(side);
  const json sidecar = read_json_file(side);
  if (json_field_or(sidecar, "format", std::string(), side.string()) != kFormat)
    throw Error("not a temporal context checkpoint").file(side.string()).key("format");
  const auto config = context_config_from_json(
      json_field_or(sidecar, "context", json::object(), side.string()), side.string());
  if (!sidecar.contains("feature_dim") || !sidecar["feature_dim"].is_number_integer())
    throw Error("missing feature size").file(side.string()).key("feature_dim");
  torch::serialize::InputArchive archive = model::open_verified_archive(file, sidecar, c10::kCPU);
  LoadedContext loaded{ContextNetwork(config, sidecar["feature_dim"].get<int64_t>()),
                       json_field_or(sidecar, "meta", json::object(), side.string())};
  torch::NoGradGuard no_grad;
  for (auto& [name, param] : loaded.network.named_parameters()) {
    at::Tensor stored;
    if (!archive.try_read(name, stored))
      throw Error("context checkpoint lacks a parameter").file(file.string()).key(name);
    if (stored.sizes() != param.sizes())
      throw Error("context checkpoint parameter has the wrong shape")
          .file(file.string())
          .key(name)
          .expected(c10::str(param.sizes()))
          .found(c10::str(stored.sizes()));
    param.copy_(stored);
  }
  loaded.network.set_train(false);
  return loaded;
}

}  // namespace motioncue::temporal
