// YAML configuration with a schema given by defaults: every key a command accepts appears in its
// defaults with a default value; a user file or a --set override may only change those keys,
// with a value of the same kind. Unknown keys and malformed values are errors naming the key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <vector>

namespace motioncue {

class Config {
 public:
  // `defaults_yaml` is the schema and the default values; `origin` names it in errors.
  Config(const std::string& defaults_yaml, const std::string& origin);

  void merge_file(const std::filesystem::path& file);
  void merge_yaml(const std::string& text, const std::string& origin);
  // "a.b.c=value", the value parsed as YAML ("3", "1e-4", "true", "[1, 2]", "text").
  void set(const std::string& assignment);

  bool has(const std::string& dotted_key) const;
  template <typename T>
  T get(const std::string& dotted_key) const;
  // A copy of the node at a key (a value or a whole section); throws when the key is absent.
  YAML::Node node(const std::string& dotted_key) const;

  std::string to_yaml() const;
  const YAML::Node& root() const { return root_; }

 private:
  YAML::Node lookup(const std::string& dotted_key) const;

  YAML::Node root_;
};

// "a.b.c" -> {"a", "b", "c"}; throws on empty parts.
std::vector<std::string> split_dotted_key(const std::string& key);

}  // namespace motioncue
