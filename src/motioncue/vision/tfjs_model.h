// A TensorFlow.js graph model as stored on disk: model.json (the GraphDef as JSON and a weights
// manifest) plus binary shards. This is the parse only, with every length checked against the
// manifest before a byte is read; running the graph is tfjs_graph.h.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace motioncue::vision {

enum class TfDType { kFloat32, kInt32, kBool };

// A constant of the graph, dequantized: float weights as float32 whatever their stored form
// (float32, float16, or uint8/uint16 with scale and min); int32 and bool as int32.
struct TfjsWeight {
  std::vector<std::int64_t> shape;
  TfDType dtype = TfDType::kFloat32;
  std::vector<float> floats;       // kFloat32
  std::vector<std::int32_t> ints;  // kInt32, kBool

  std::int64_t numel() const;
};

struct TfjsNode {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;  // "node", "node:1"; control inputs ("^node") are dropped
  nlohmann::json attr;              // GraphDef attributes as protobuf JSON
};

struct TfjsModel {
  std::string name;  // the model.json's file stem, for messages
  std::vector<TfjsNode> nodes;
  std::map<std::string, TfjsWeight> weights;
  std::vector<std::string> inputs;   // Placeholder nodes, in graph order
  std::vector<std::string> outputs;  // the signature's outputs, else the nodes nothing consumes

  const TfjsNode& node(const std::string& name) const;
};

// Parses model.json text and the bytes of every shard it names (`shards` maps a path as written
// in the manifest to its bytes). An Error naming `origin` and the node or weight at fault when
// anything is missing, malformed, of an unsupported dtype or shorter than the manifest says.
TfjsModel parse_tfjs_model(const std::string& model_json,
                           const std::map<std::string, std::vector<std::uint8_t>>& shards,
                           const std::string& origin);

// Reads model.json and its shards from beside it.
TfjsModel load_tfjs_model(const std::filesystem::path& model_json);

// Typed access to GraphDef attributes; an Error naming the node and attribute when absent or of
// the wrong kind (the *_or forms return the fallback when absent).
std::int64_t attr_int(const TfjsNode& node, const std::string& key);
std::int64_t attr_int_or(const TfjsNode& node, const std::string& key, std::int64_t fallback);
float attr_float_or(const TfjsNode& node, const std::string& key, float fallback);
bool attr_bool_or(const TfjsNode& node, const std::string& key, bool fallback);
std::string attr_string(const TfjsNode& node, const std::string& key);  // base64-decoded
std::string attr_string_or(const TfjsNode& node, const std::string& key,
                           const std::string& fallback);
std::vector<std::int64_t> attr_ints(const TfjsNode& node, const std::string& key);
std::vector<std::int64_t> attr_ints_or(const TfjsNode& node, const std::string& key,
                                       const std::vector<std::int64_t>& fallback);
std::vector<std::string> attr_strings(const TfjsNode& node, const std::string& key);  // decoded
std::string attr_type(const TfjsNode& node, const std::string& key);  // "DT_FLOAT", ...

// "node:1" -> {"node", 1}; "node" -> {"node", 0}.
std::pair<std::string, int> split_input(const std::string& input);

}  // namespace motioncue::vision
