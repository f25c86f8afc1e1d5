#include "motioncue/model/checkpoint.h"

#include "motioncue/body/body_model.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cstdio>
#include <mutex>
#include <sstream>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/tensor_checks.h"
#include "motioncue/model/archive_file.h"

namespace motioncue::model {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "motioncue-checkpoint";
// 2: the archive record's checksum is FNV-1a proper ("hash": "fnv1a64"); 1: the legacy checksum.
constexpr int kVersion = 2, kOldestVersion = 1;

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

c10::Dict<std::string, at::Tensor> to_dict(
    const std::vector<std::pair<std::string, at::Tensor>>& named) {
  c10::Dict<std::string, at::Tensor> d;
  for (const auto& [name, t] : named) d.insert(name, t.detach().cpu());
  return d;
}

json read_sidecar(const fs::path& file) {
  const auto sidecar = checkpoint_sidecar(file);
  if (!fs::exists(sidecar))
    throw Error("checkpoint has no sidecar (expected beside the archive)").file(sidecar.string());
  const json j = read_json_file(sidecar);
  if (!j.is_object() || json_field_or(j, "format", std::string(), sidecar.string()) != kFormat)
    throw Error("not a motioncue checkpoint sidecar").file(sidecar.string()).key("format");
  const int version = json_field_or(j, "version", 0, sidecar.string());
  if (version < kOldestVersion || version > kVersion)
    throw Error("unsupported checkpoint version")
        .file(sidecar.string())
        .key("version")
        .expected(std::to_string(kOldestVersion) + ".." + std::to_string(kVersion))
        .found(j.contains("version") ? j["version"].dump() : "none");
  return j;
}

c10::Dict<std::string, at::Tensor> read_dict(torch::serialize::InputArchive& archive,
                                             const std::string& key, const fs::path& file) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isGenericDict())
    throw Error("checkpoint archive lacks its tensor table").file(file.string()).key(key);
  return c10::impl::toTypedDict<std::string, at::Tensor>(value.toGenericDict());
}

void copy_into(const std::vector<std::pair<std::string, at::Tensor>>& targets,
               const c10::Dict<std::string, at::Tensor>& stored, const std::string& what,
               const fs::path& file) {
  // Missing and unexpected names first: they tell an architecture mismatch at a glance.
  std::vector<std::string> missing, unexpected, misshaped;
  for (const auto& [name, target] : targets) {
    auto it = stored.find(name);
    if (it == stored.end())
      missing.push_back(name);
    else if (it->value().sizes() != target.sizes())
      misshaped.push_back(name + " (stored " + shape_string(it->value()) + ", network " +
                          shape_string(target) + ")");
  }
  for (const auto& item : stored) {
    bool known = false;
    for (const auto& [name, target] : targets) known = known || name == item.key();
    if (!known) unexpected.push_back(item.key());
  }
  if (!missing.empty() || !unexpected.empty() || !misshaped.empty()) {
    std::string list;
    auto add = [&](const char* label, const std::vector<std::string>& names) {
      if (names.empty()) return;
      list += (list.empty() ? "" : "; ") + std::to_string(names.size()) + " " + label + ": ";
      for (size_t i = 0; i < names.size() && i < 5; ++i) list += (i ? ", " : "") + names[i];
      if (names.size() > 5) list += ", ...";
    };
    add("missing", missing);
    add("unexpected", unexpected);
    add("mis-shaped", misshaped);
    const std::string first = !missing.empty() ? missing[0]
                              : !unexpected.empty()
                                  ? unexpected[0]
                                  : misshaped[0].substr(0, misshaped[0].find(' '));
    throw Error("checkpoint " + what + " do not match the network architecture")
        .file(file.string())
        .key(first)
        .found(list);
  }
  torch::NoGradGuard no_grad;
  for (const auto& [name, target] : targets) target.copy_(stored.at(name));
}

void load_weights_checked(const fs::path& file, const json& sidecar, PoseNetwork& network) {
  auto archive = open_verified_archive(file, sidecar, c10::kCPU);
  copy_into(network.named_parameters(), read_dict(archive, "parameters", file), "parameters", file);
  copy_into(network.named_buffers(), read_dict(archive, "buffers", file), "buffers", file);
  // A network with a NaN or infinite weight predicts NaN for every image: refused here, for
  // every verb, instead of surfacing as JSON of nulls or a BVH of "nan".
  for (const auto& named : {network.named_parameters(), network.named_buffers()})
    for (const auto& [name, value] : named)
      if (value.is_floating_point() && !torch::isfinite(value).all().item<bool>())
        throw Error("checkpoint holds non-finite weights")
            .file(file.string())
            .key(name)
            .expected("finite values");
}

}  // namespace

fs::path checkpoint_sidecar(const fs::path& file) {
  fs::path p = file;
  p += ".json";
  return p;
}

json to_json(const NetworkConfig& c) {
  return {{"backbone", c.backbone},           {"resolution", c.resolution},
          {"iterations", c.iterations},       {"dropout", c.dropout},
          {"frozen_blocks", c.frozen_blocks}, {"from_scratch", c.from_scratch}};
}

NetworkConfig network_config_from_json(const json& j, const std::string& origin) {
  NetworkConfig c;
  auto get = [&](const char* key, auto& out) {
    if (!j.is_object() || !j.contains(key))
      throw Error("network config entry missing").file(origin).key(std::string("network.") + key);
    try {
      j.at(key).get_to(out);
    } catch (const json::exception&) {
      throw Error("network config entry has the wrong type")
          .file(origin)
          .key(std::string("network.") + key)
          .found(j.at(key).dump());
    }
  };
  get("backbone", c.backbone);
  get("resolution", c.resolution);
  get("iterations", c.iterations);
  get("dropout", c.dropout);
  // Absent in checkpoints written before pretrained backbones existed.
  if (j.is_object() && j.contains("frozen_blocks")) get("frozen_blocks", c.frozen_blocks);
  if (j.is_object() && j.contains("from_scratch")) get("from_scratch", c.from_scratch);
  try {
    validate(c);
  } catch (Error& e) {
    throw e.file(origin);
  }
  return c;
}

void save_checkpoint(const fs::path& file, const PoseNetwork& network, const json& meta,
                     const torch::optim::Optimizer* optimizer) {
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  torch::serialize::OutputArchive archive;
  archive.write("parameters", to_dict(network.named_parameters()));
  archive.write("buffers", to_dict(network.named_buffers()));
  if (optimizer) {
    torch::serialize::OutputArchive opt_archive;
    optimizer->save(opt_archive);
    archive.write("optimizer", opt_archive);
  }
  {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    archive.write("rng_cpu", gen.get_state());
  }
  // The archive first, its sidecar last: a crash in between leaves a checksum mismatch.
  const json record = write_archive(file, archive);
  json sidecar = {{"format", kFormat},
                  {"version", kVersion},
                  {"network", to_json(network.config())},
                  {"feature_dim", network.feature_dim()},
                  {"parameter_count", network.parameter_count()},
                  {"archive", record},
                  {"has_optimizer", optimizer != nullptr},
                  {"meta", meta}};
  write_file_atomic(checkpoint_sidecar(file), sidecar.dump(2) + "\n");
}

json checkpoint_meta(const fs::path& file) {
  require_regular_file(file);
  return json_field_or(read_sidecar(file), "meta", json::object(),
                       checkpoint_sidecar(file).string());
}

LoadedCheckpoint load_for_inference(const fs::path& file, const body::BodyModel& body) {
  LoadedCheckpoint loaded = load_checkpoint(file, body.hash());
  loaded.network->to(body.device());
  loaded.network->set_train(false);
  return loaded;
}

NetworkConfig checkpoint_network_config(const fs::path& file) {
  require_regular_file(file);
  return network_config_from_json(read_sidecar(file).value("network", json()),
                                  checkpoint_sidecar(file).string());
}

LoadedCheckpoint load_checkpoint(const fs::path& file, const std::string& expected_body_hash) {
  require_regular_file(file);
  const json sidecar = read_sidecar(file);
  const std::string origin = checkpoint_sidecar(file).string();
  LoadedCheckpoint out;
  out.meta = json_field_or(sidecar, "meta", json::object(), origin);
  out.has_optimizer = json_field_or(sidecar, "has_optimizer", false, origin);
  if (!expected_body_hash.empty()) {
    const auto found = json_field_or(out.meta, "body_model_hash", std::string(), origin);
    if (found != expected_body_hash)
      throw Error("checkpoint was trained with a different body model")
          .file(origin)
          .key("meta.body_model_hash")
          .expected(expected_body_hash)
          .found(found.empty() ? "none recorded" : found);
  }
  const NetworkConfig config = network_config_from_json(sidecar.value("network", json()), origin);
  out.network = std::make_unique<PoseNetwork>(config, InitialState::upright_default());
  load_weights_checked(file, sidecar, *out.network);
  return out;
}

void load_weights(const fs::path& file, PoseNetwork& network) {
  require_regular_file(file);
  load_weights_checked(file, read_sidecar(file), network);
}

void load_optimizer_state(const fs::path& file, torch::optim::Optimizer& optimizer) {
  require_regular_file(file);
  const json sidecar = read_sidecar(file);
  if (!json_field_or(sidecar, "has_optimizer", false, checkpoint_sidecar(file).string()))
    throw Error("checkpoint holds no optimizer state (saved without an optimizer)")
        .file(file.string());
  c10::Device device = c10::kCPU;
  for (const auto& group : optimizer.param_groups())
    if (!group.params().empty()) {
      device = group.params().front().device();
      break;
    }
  auto archive = open_verified_archive(file, sidecar, device);
  torch::serialize::InputArchive opt_archive;
  if (!archive.try_read("optimizer", opt_archive))
    throw Error("checkpoint archive lacks the optimizer state").file(file.string());
  try {
    optimizer.load(opt_archive);
  } catch (const c10::Error& e) {
    throw Error("optimizer state does not fit this optimizer")
        .file(file.string())
        .found(first_line(e.what()));
  }
}

void restore_rng_state(const fs::path& file) {
  require_regular_file(file);
  auto archive = open_verified_archive(file, read_sidecar(file), c10::kCPU);
  at::Tensor state;
  if (!archive.try_read("rng_cpu", state))
    throw Error("checkpoint archive lacks the generator state").file(file.string()).key("rng_cpu");
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
}

}  // namespace motioncue::model
