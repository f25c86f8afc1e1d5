#include "motioncue/vision/tfjs_model.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/npy.h"

namespace motioncue::vision {
namespace {

// A manifest may not claim more than this many elements for one weight (16 GiB of float32): a
// bound far above any real model, checked before anything is multiplied or allocated.
constexpr std::int64_t kMaxWeightElements = std::int64_t{1} << 32;

std::string base64_decode(const std::string& text, const std::string& what) {
  auto value = [&](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    throw Error("not base64").key(what).found(text);
  };
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::int64_t json_int(const nlohmann::json& value, const std::string& what) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    std::size_t used = 0;
    try {
      const long long v = std::stoll(s, &used);
      if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
  }
  throw Error("expected an integer").key(what).found(value.dump());
}

const nlohmann::json* find_attr(const TfjsNode& node, const std::string& key) {
  if (!node.attr.is_object()) return nullptr;
  auto it = node.attr.find(key);
  return it == node.attr.end() ? nullptr : &*it;
}

std::string attr_what(const TfjsNode& node, const std::string& key) {
  return "node " + node.name + " (" + node.op + ") attribute " + key;
}

const nlohmann::json& attr_field(const TfjsNode& node, const std::string& key, const char* field) {
  const auto* a = find_attr(node, key);
  if (!a) throw Error("missing attribute").key(attr_what(node, key));
  if (!a->is_object() || !a->contains(field))
    throw Error("attribute of the wrong kind")
        .key(attr_what(node, key))
        .expected(field)
        .found(a->dump());
  return (*a)[field];
}

const nlohmann::json& attr_list(const TfjsNode& node, const std::string& key, const char* field) {
  const auto& list = attr_field(node, key, "list");
  if (!list.is_object())
    throw Error("attribute of the wrong kind").key(attr_what(node, key)).found(list.dump());
  static const nlohmann::json empty = nlohmann::json::array();
  auto it = list.find(field);
  if (it == list.end()) return empty;  // protobuf JSON leaves empty lists out
  if (!it->is_array())
    throw Error("attribute of the wrong kind").key(attr_what(node, key)).found(list.dump());
  return *it;
}

std::int64_t checked_numel(const std::vector<std::int64_t>& shape, const std::string& what) {
  std::int64_t n = 1;
  for (auto d : shape) {
    if (d < 0) throw Error("negative dimension in the weights manifest").key(what);
    if (d != 0 && n > kMaxWeightElements / d) throw Error("weight too large").key(what);
    n *= d;
  }
  return n;
}

struct ShardStream {
  std::vector<const std::vector<std::uint8_t>*> parts;
  std::vector<std::string> names;
  std::size_t part = 0, offset = 0;

  std::size_t remaining() const {
    std::size_t n = 0;
    for (std::size_t i = part; i < parts.size(); ++i)
      n += parts[i]->size() - (i == part ? offset : 0);
    return n;
  }
  // Copies `size` bytes, crossing shard boundaries as the converter's concatenation does.
  void read(std::uint8_t* out, std::size_t size) {
    while (size > 0) {
      const auto& bytes = *parts[part];
      const std::size_t take = std::min(size, bytes.size() - offset);
      std::memcpy(out, bytes.data() + offset, take);
      out += take;
      size -= take;
      offset += take;
      if (offset == bytes.size() && part + 1 < parts.size()) {
        ++part;
        offset = 0;
      }
    }
  }
};

TfjsWeight read_weight(const nlohmann::json& entry, ShardStream& stream,
                       const std::string& origin) {
  if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string())
    throw Error("weights manifest entry without a name").file(origin);
  const std::string name = entry["name"];
  const std::string what = "weight " + name;
  if (!entry.contains("shape") || !entry["shape"].is_array())
    throw Error("weight without a shape").file(origin).key(what);
  TfjsWeight w;
  for (const auto& d : entry["shape"]) w.shape.push_back(json_int(d, what + " shape"));
  if (w.shape.size() > 8) throw Error("weight of rank above 8").file(origin).key(what);
  const std::int64_t n = checked_numel(w.shape, what);
  if (entry.contains("dtype") && !entry["dtype"].is_string())
    throw Error("weight dtype is not a string").file(origin).key(what);
  const std::string dtype = entry.value("dtype", std::string("float32"));
  if (dtype == "float32") {
    w.dtype = TfDType::kFloat32;
  } else if (dtype == "int32") {
    w.dtype = TfDType::kInt32;
  } else if (dtype == "bool") {
    w.dtype = TfDType::kBool;
  } else {
    throw Error("unsupported weight dtype")
        .file(origin)
        .key(what)
        .expected("float32, int32 or bool")
        .found(dtype);
  }

  std::string stored = dtype;
  float scale = 1, min = 0;
  if (entry.contains("quantization")) {
    const auto& q = entry["quantization"];
    if (!q.is_object() || !q.contains("dtype") || !q["dtype"].is_string())
      throw Error("malformed quantization").file(origin).key(what);
    stored = q["dtype"];
    if (stored == "uint8" || stored == "uint16") {
      if (!q.contains("scale") || !q["scale"].is_number() || !q.contains("min") ||
          !q["min"].is_number())
        throw Error("quantization without scale and min").file(origin).key(what);
      scale = q["scale"].get<float>();
      min = q["min"].get<float>();
      if (!std::isfinite(scale) || !std::isfinite(min))
        throw Error("non-finite quantization scale or min").file(origin).key(what);
    } else if (stored != "float16") {
      throw Error("unsupported quantization")
          .file(origin)
          .key(what)
          .expected("uint8, uint16 or float16")
          .found(stored);
    }
  }
  const std::size_t element = stored == "uint8" || stored == "bool"         ? 1
                              : (stored == "uint16" || stored == "float16") ? 2
                                                                            : 4;
  const auto count = static_cast<std::size_t>(n);
  if (stream.remaining() / element < count)
    throw Error("weight shards shorter than the manifest")
        .file(origin)
        .key(what)
        .expected(std::to_string(count * element) + " more bytes")
        .found(std::to_string(stream.remaining()));
  std::vector<std::uint8_t> raw(count * element);
  stream.read(raw.data(), raw.size());

  auto decoded = [&](std::size_t i) -> float {
    const std::uint8_t* p = raw.data() + i * element;
    if (stored == "uint8") return static_cast<float>(p[0]) * scale + min;
    std::uint16_t h;
    if (stored == "uint16") {
      std::memcpy(&h, p, 2);
      return static_cast<float>(h) * scale + min;
    }
    if (stored == "float16") {
      std::memcpy(&h, p, 2);
      return half_to_float(h);
    }
    float f;
    std::memcpy(&f, p, 4);
    return f;
  };

  if (w.dtype == TfDType::kFloat32) {
    w.floats.resize(count);
    for (std::size_t i = 0; i < count; ++i) w.floats[i] = decoded(i);
  } else {
    w.ints.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      if (stored == "int32") {
        std::memcpy(&w.ints[i], raw.data() + i * 4, 4);
      } else if (stored == "bool") {
        w.ints[i] = raw[i] != 0;
      } else {
        const float v = std::round(decoded(i));
        if (!(std::fabs(v) < 2147483647.0f))
          throw Error("quantized integer out of range").file(origin).key(what);
        w.ints[i] = static_cast<std::int32_t>(v);
      }
    }
  }
  return w;
}

}  // namespace

std::int64_t TfjsWeight::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

const TfjsNode& TfjsModel::node(const std::string& name) const {
  for (const auto& n : nodes)
    if (n.name == name) return n;
  throw Error("no such node in the model").file(this->name).key(name);
}

std::pair<std::string, int> split_input(const std::string& input) {
  const auto colon = input.rfind(':');
  if (colon == std::string::npos) return {input, 0};
  const std::string index = input.substr(colon + 1);
  if (index.empty() || index.size() > 4 ||
      index.find_first_not_of("0123456789") != std::string::npos)
    return {input, 0};
  return {input.substr(0, colon), std::stoi(index)};
}

TfjsModel parse_tfjs_model(const std::string& model_json,
                           const std::map<std::string, std::vector<std::uint8_t>>& shards,
                           const std::string& origin) {
  const nlohmann::json root = parse_json(model_json, origin);
  if (!root.is_object() || !root.contains("modelTopology") || !root["modelTopology"].is_object())
    throw Error("not a TensorFlow.js graph model (no modelTopology)").file(origin);
  const auto& topology = root["modelTopology"];
  if (!topology.contains("node") || !topology["node"].is_array())
    throw Error("not a TensorFlow.js graph model (modelTopology has no node list)").file(origin);

  TfjsModel model;
  model.name = std::filesystem::path(origin).stem().string();
  std::set<std::string> names;
  for (const auto& n : topology["node"]) {
    if (!n.is_object() || !n.contains("name") || !n["name"].is_string() || !n.contains("op") ||
        !n["op"].is_string())
      throw Error("graph node without a name or op").file(origin);
    TfjsNode node;
    node.name = n["name"];
    node.op = n["op"];
    if (!names.insert(node.name).second)
      throw Error("duplicate graph node").file(origin).key(node.name);
    if (n.contains("input")) {
      if (!n["input"].is_array())
        throw Error("node inputs are not a list").file(origin).key(node.name);
      for (const auto& in : n["input"]) {
        if (!in.is_string()) throw Error("node input is not a name").file(origin).key(node.name);
        const std::string s = in;
        if (!s.empty() && s[0] != '^') node.inputs.push_back(s);
      }
    }
    if (n.contains("attr")) {
      if (!n["attr"].is_object())
        throw Error("node attributes are not an object").file(origin).key(node.name);
      node.attr = n["attr"];
    } else {
      node.attr = nlohmann::json::object();
    }
    if (node.op == "Placeholder") model.inputs.push_back(node.name);
    model.nodes.push_back(std::move(node));
  }
  for (const auto& node : model.nodes)
    for (const auto& in : node.inputs)
      if (!names.count(split_input(in).first))
        throw Error("node input names no node").file(origin).key(node.name).found(in);

  if (root.contains("weightsManifest")) {
    const auto& manifest = root["weightsManifest"];
    if (!manifest.is_array()) throw Error("weightsManifest is not a list").file(origin);
    for (const auto& group : manifest) {
      if (!group.is_object() || !group.contains("paths") || !group["paths"].is_array() ||
          !group.contains("weights") || !group["weights"].is_array())
        throw Error("weights manifest group without paths and weights").file(origin);
      ShardStream stream;
      for (const auto& p : group["paths"]) {
        if (!p.is_string()) throw Error("weights manifest path is not a string").file(origin);
        auto it = shards.find(p.get<std::string>());
        if (it == shards.end())
          throw Error("missing weight shard").file(origin).key(p.get<std::string>());
        stream.parts.push_back(&it->second);
        stream.names.push_back(p);
      }
      if (stream.parts.empty() && !group["weights"].empty())
        throw Error("weights manifest group names no shard").file(origin);
      for (const auto& entry : group["weights"]) {
        auto weight = read_weight(entry, stream, origin);
        const std::string name = entry["name"];
        if (!model.weights.emplace(name, std::move(weight)).second)
          throw Error("weight listed twice in the manifest").file(origin).key(name);
      }
    }
  }
  for (const auto& node : model.nodes)
    if (node.op == "Const" && !model.weights.count(node.name))
      throw Error("constant without a weight in the manifest").file(origin).key(node.name);

  std::set<std::string> consumed;
  for (const auto& node : model.nodes)
    for (const auto& in : node.inputs) consumed.insert(split_input(in).first);
  if (root.contains("signature") && root["signature"].is_object() &&
      root["signature"].contains("outputs") && root["signature"]["outputs"].is_object()) {
    for (const auto& [key, out] : root["signature"]["outputs"].items()) {
      if (!out.is_object() || !out.contains("name") || !out["name"].is_string())
        throw Error("signature output without a name").file(origin).key(key);
      const auto node_name = split_input(out["name"].get<std::string>()).first;
      if (!names.count(node_name))
        throw Error("signature output names no node").file(origin).key(node_name);
      model.outputs.push_back(node_name);
    }
  }
  if (model.outputs.empty())
    for (const auto& node : model.nodes)
      if (!consumed.count(node.name) && node.op != "Const" && node.op != "NoOp")
        model.outputs.push_back(node.name);
  if (model.inputs.empty())
    throw Error("graph model without an input (no Placeholder node)").file(origin);
  return model;
}

TfjsModel load_tfjs_model(const std::filesystem::path& model_json) {
  const std::string text = read_file_text(model_json);
  const nlohmann::json root = parse_json(text, model_json.string());
  std::map<std::string, std::vector<std::uint8_t>> shards;
  if (root.is_object() && root.contains("weightsManifest") && root["weightsManifest"].is_array()) {
    for (const auto& group : root["weightsManifest"]) {
      if (!group.is_object() || !group.contains("paths") || !group["paths"].is_array()) continue;
      for (const auto& p : group["paths"]) {
        if (!p.is_string()) continue;
        const std::string rel = p;
        if (rel.find("..") != std::string::npos || (!rel.empty() && rel[0] == '/'))
          throw Error("weight shard path leaves the model's folder")
              .file(model_json.string())
              .key(rel);
        const auto file = model_json.parent_path() / rel;
        if (!std::filesystem::exists(file))
          throw Error("missing weight shard").file(model_json.string()).key(file.string());
        shards[rel] = read_file_bytes(file);
      }
    }
  }
  auto model = parse_tfjs_model(text, shards, model_json.string());
  model.name = model_json.stem().string();
  return model;
}

std::int64_t attr_int(const TfjsNode& node, const std::string& key) {
  return json_int(attr_field(node, key, "i"), attr_what(node, key));
}

std::int64_t attr_int_or(const TfjsNode& node, const std::string& key, std::int64_t fallback) {
  return find_attr(node, key) ? attr_int(node, key) : fallback;
}

float attr_float_or(const TfjsNode& node, const std::string& key, float fallback) {
  if (!find_attr(node, key)) return fallback;
  const auto& v = attr_field(node, key, "f");
  if (!v.is_number())
    throw Error("attribute is not a number").key(attr_what(node, key)).found(v.dump());
  return v.get<float>();
}

bool attr_bool_or(const TfjsNode& node, const std::string& key, bool fallback) {
  const auto* a = find_attr(node, key);
  if (!a) return fallback;
  if (!a->is_object()) throw Error("attribute of the wrong kind").key(attr_what(node, key));
  if (!a->contains("b")) return false;  // protobuf JSON omits false
  const auto& v = (*a)["b"];
  if (!v.is_boolean())
    throw Error("attribute is not a boolean").key(attr_what(node, key)).found(v.dump());
  return v.get<bool>();
}

std::string attr_string(const TfjsNode& node, const std::string& key) {
  const auto& v = attr_field(node, key, "s");
  if (!v.is_string()) throw Error("attribute is not a string").key(attr_what(node, key));
  return base64_decode(v.get<std::string>(), attr_what(node, key));
}

std::string attr_string_or(const TfjsNode& node, const std::string& key,
                           const std::string& fallback) {
  return find_attr(node, key) ? attr_string(node, key) : fallback;
}

std::vector<std::int64_t> attr_ints(const TfjsNode& node, const std::string& key) {
  std::vector<std::int64_t> out;
  for (const auto& v : attr_list(node, key, "i")) out.push_back(json_int(v, attr_what(node, key)));
  return out;
}

std::vector<std::int64_t> attr_ints_or(const TfjsNode& node, const std::string& key,
                                       const std::vector<std::int64_t>& fallback) {
  return find_attr(node, key) ? attr_ints(node, key) : fallback;
}

std::vector<std::string> attr_strings(const TfjsNode& node, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& v : attr_list(node, key, "s")) {
    if (!v.is_string()) throw Error("attribute is not a string list").key(attr_what(node, key));
    out.push_back(base64_decode(v.get<std::string>(), attr_what(node, key)));
  }
  return out;
}

std::string attr_type(const TfjsNode& node, const std::string& key) {
  const auto& v = attr_field(node, key, "type");
  if (!v.is_string()) throw Error("attribute is not a type").key(attr_what(node, key));
  return v.get<std::string>();
}

}  // namespace motioncue::vision
