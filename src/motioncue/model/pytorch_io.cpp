#include "motioncue/model/pytorch_io.h"

#include <map>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/model/torch_pickle.h"

namespace motioncue::model {
namespace fs = std::filesystem;
using detail::PyValue;
using Kind = PyValue::Kind;

namespace {

bool holds_tensors(const PyValue& v) {
  if (v.kind != Kind::Dict) return false;
  for (const auto& [k, val] : v.dict)
    if (val->kind == Kind::Tensor) return true;
  return false;
}

std::string list_names(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size() && i < 6; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > 6) s += ", ... (" + std::to_string(names.size()) + " in all)";
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

NamedTensors read_pytorch_state_dict(const fs::path& file, const std::string& entry) {
  require_regular_file(file);
  const auto root = detail::load_torch_pickle(file);
  const PyValue* dict = nullptr;
  if (!entry.empty()) {
    dict = root->kind == Kind::Dict ? root->find(entry) : nullptr;
    if (!dict) throw Error("PyTorch checkpoint has no such entry").file(file.string()).key(entry);
  } else if (holds_tensors(*root)) {
    dict = root.get();
  } else if (root->kind == Kind::Dict) {
    for (const char* key : {"state_dict", "model"})
      if (const auto* v = root->find(key); v && holds_tensors(*v)) {
        dict = v;
        break;
      }
  }
  if (!dict || !holds_tensors(*dict))
    throw Error("PyTorch checkpoint holds no state dict (name the entry that does)")
        .file(file.string())
        .key(entry);
  NamedTensors out;
  for (const auto& [k, v] : dict->dict)
    if (k->kind == Kind::Str && v->kind == Kind::Tensor) out.emplace_back(k->s, v->tensor);
  return out;
}

ImportReport import_pytorch_weights(const fs::path& file, PoseNetwork& network,
                                    const ImportOptions& options) {
  std::map<std::string, at::Tensor> stored;
  std::vector<std::string> order;
  for (auto& [name, t] : read_pytorch_state_dict(file, options.entry)) {
    std::string key = name;
    if (options.strip_module_prefix && key.rfind("module.", 0) == 0) key = key.substr(7);
    order.push_back(key);
    stored[key] = t;
  }
  auto targets = network.named_parameters();
  for (auto& b : network.named_buffers()) targets.push_back(b);

  ImportReport report;
  std::map<std::string, bool> known;
  for (const auto& [name, target] : targets) {
    known[name] = true;
    auto it = stored.find(name);
    if (it == stored.end()) {
      report.missing.push_back(name);
    } else if (it->second.sizes() != target.sizes()) {
      report.misshaped.push_back(name + " (file " + c10::str(it->second.sizes()) + ", network " +
                                 c10::str(target.sizes()) + ")");
    } else {
      report.matched.push_back(name);
    }
  }
  for (const auto& name : order)
    if (!known.count(name)) report.unexpected.push_back(name);

  std::vector<std::string> fatal_missing;
  for (const auto& name : report.missing)
    if (!ends_with(name, "num_batches_tracked")) fatal_missing.push_back(name);
  std::string problems;
  auto add = [&](const std::string& label, const std::vector<std::string>& names) {
    if (names.empty()) return;
    problems += (problems.empty() ? "" : "; ") + std::to_string(names.size()) + " " + label + ": " +
                list_names(names);
  };
  add("mis-shaped", report.misshaped);
  if (!options.allow_missing) add("missing from the file", fatal_missing);
  if (!options.allow_unexpected) add("not in the network", report.unexpected);
  if (!problems.empty()) {
    const std::string first =
        !report.misshaped.empty() ? report.misshaped[0].substr(0, report.misshaped[0].find(' '))
        : !fatal_missing.empty() && !options.allow_missing ? fatal_missing[0]
                                                           : report.unexpected[0];
    throw Error("PyTorch weights do not fit the " + network.config().backbone + " network")
        .file(file.string())
        .key(first)
        .found(problems);
  }
  for (const auto& name : report.matched)
    if (const auto& t = stored.at(name); t.is_floating_point() && !t.isfinite().all().item<bool>())
      throw Error("PyTorch weights hold non-finite values")
          .file(file.string())
          .key(name)
          .expected("finite values");
  torch::NoGradGuard no_grad;
  for (const auto& [name, target] : targets)
    if (auto it = stored.find(name); it != stored.end()) target.copy_(it->second);
  return report;
}

void export_pytorch_weights(const fs::path& file, const PoseNetwork& network) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [name, t] : network.named_parameters()) dict.insert(name, t.detach().cpu());
  for (const auto& [name, t] : network.named_buffers()) dict.insert(name, t.detach().cpu());
  const auto bytes = torch::pickle_save(dict);
  write_file_atomic(file, std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

}  // namespace motioncue::model
