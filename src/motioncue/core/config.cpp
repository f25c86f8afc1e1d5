#include "motioncue/core/config.h"

#include <sstream>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue {
namespace {

enum class ScalarKind { kBool, kInt, kFloat, kString, kNull };

ScalarKind scalar_kind(const YAML::Node& n) {
  if (n.IsNull()) return ScalarKind::kNull;
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return ScalarKind::kString;  // quoted
  bool b;
  if (YAML::convert<bool>::decode(n, b) && s != "0" && s != "1") return ScalarKind::kBool;
  long long i;
  if (YAML::convert<long long>::decode(n, i)) return ScalarKind::kInt;
  double d;
  if (YAML::convert<double>::decode(n, d)) return ScalarKind::kFloat;
  return ScalarKind::kString;
}

const char* kind_name(ScalarKind k) {
  switch (k) {
    case ScalarKind::kBool:
      return "a boolean";
    case ScalarKind::kInt:
      return "an integer";
    case ScalarKind::kFloat:
      return "a number";
    case ScalarKind::kString:
      return "a string";
    case ScalarKind::kNull:
      return "null";
  }
  return "?";
}

std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "null";
  return "'" + n.Scalar() + "'";
}

// Checks that `value` may replace `schema` (the default) at `key`.
void check_compatible(const YAML::Node& schema, const YAML::Node& value, const std::string& key,
                      const std::string& origin) {
  if (schema.IsMap()) {
    if (!value.IsMap())
      throw Error("wrong kind of value")
          .file(origin)
          .key(key)
          .expected("a map")
          .found(describe(value));
    return;
  }
  if (schema.IsSequence()) {
    if (!value.IsSequence())
      throw Error("wrong kind of value")
          .file(origin)
          .key(key)
          .expected("a list")
          .found(describe(value));
    return;
  }
  if (value.IsMap() || value.IsSequence())
    throw Error("wrong kind of value")
        .file(origin)
        .key(key)
        .expected("a single value")
        .found(describe(value));
  const ScalarKind want = scalar_kind(schema), got = scalar_kind(value);
  if (want == ScalarKind::kNull || want == ScalarKind::kString) return;  // free-form
  if (got == ScalarKind::kNull) return;                                  // explicit "unset"
  const bool ok = want == got || (want == ScalarKind::kFloat && got == ScalarKind::kInt);
  if (!ok)
    throw Error("wrong kind of value")
        .file(origin)
        .key(key)
        .expected(kind_name(want))
        .found(describe(value));
}

// Merges `src` into `dst` (both maps), refusing keys that the schema `dst` lacks. A map default
// that is empty ({}) accepts any keys: it is a free-form table.
void merge_into(YAML::Node dst, const YAML::Node& src, const std::string& prefix,
                const std::string& origin) {
  const bool open = dst.size() == 0;
  for (const auto& kv : src) {
    if (!kv.first.IsScalar())
      throw Error("a config key must be a plain name, not a list or map")
          .file(origin)
          .key(prefix.empty() ? "(top level)" : prefix)
          .found(describe(kv.first));
    const std::string k = kv.first.as<std::string>();
    const std::string full = prefix.empty() ? k : prefix + "." + k;
    if (!dst[k]) {
      if (open) {
        dst[k] = YAML::Clone(kv.second);
        continue;
      }
      std::string known;
      for (const auto& d : dst) known += (known.empty() ? "" : ", ") + d.first.as<std::string>();
      throw Error("unknown config key").file(origin).key(full).expected("one of: " + known);
    }
    YAML::Node target = dst[k];
    check_compatible(target, kv.second, full, origin);
    if (target.IsMap() && target.size() > 0) {
      merge_into(target, kv.second, full, origin);
    } else {
      dst[k] = YAML::Clone(kv.second);
    }
  }
}

YAML::Node parse_yaml(const std::string& text, const std::string& origin) {
  try {
    YAML::Node n = YAML::Load(text);
    if (n.IsNull()) return YAML::Node(YAML::NodeType::Map);
    if (!n.IsMap()) throw Error("a config must be a YAML map of keys to values").file(origin);
    return n;
  } catch (const YAML::Exception& e) {
    throw Error("malformed YAML: " + e.msg + " at line " + std::to_string(e.mark.line + 1))
        .file(origin);
  }
}

}  // namespace

std::vector<std::string> split_dotted_key(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream ss(key);
  std::string p;
  while (std::getline(ss, p, '.')) {
    if (p.empty()) throw Error("malformed config key").key(key);
    parts.push_back(p);
  }
  if (parts.empty()) throw Error("empty config key");
  return parts;
}

Config::Config(const std::string& defaults_yaml, const std::string& origin)
    : root_(parse_yaml(defaults_yaml, origin)) {}

void Config::merge_file(const std::filesystem::path& file) {
  merge_yaml(read_file_text(file), file.string());
}

void Config::merge_yaml(const std::string& text, const std::string& origin) {
  const YAML::Node parsed = parse_yaml(text, origin);
  try {
    merge_into(root_, parsed, "", origin);
  } catch (const YAML::Exception& e) {  // a node yaml-cpp cannot convert: still one clear line
    throw Error("malformed YAML: " + e.msg).file(origin);
  }
}

void Config::set(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("malformed override").key(assignment).expected("key=value");
  const std::string key = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);
  YAML::Node parsed;
  try {
    parsed = YAML::Load(value);
  } catch (const YAML::Exception& e) {
    throw Error("malformed override value: " + e.msg).key(key);
  }
  // Build {a: {b: {c: value}}} and merge it like a file, so the same checks apply.
  const auto parts = split_dotted_key(key);
  YAML::Node tree(YAML::NodeType::Map);
  YAML::Node cur = tree;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
    cur.reset(cur[parts[i]]);  // yaml-cpp's operator= would overwrite the node, not rebind it
  }
  cur[parts.back()] = parsed;
  try {
    merge_into(root_, tree, "", "--set " + assignment);
  } catch (const YAML::Exception& e) {
    throw Error("malformed override value: " + e.msg).key(key);
  }
}

YAML::Node Config::lookup(const std::string& dotted_key) const {
  YAML::Node cur;
  cur.reset(root_);
  for (const auto& p : split_dotted_key(dotted_key)) {
    if (!cur.IsMap() || !cur[p]) return YAML::Node(YAML::NodeType::Undefined);
    cur.reset(cur[p]);
  }
  return cur;
}

bool Config::has(const std::string& dotted_key) const { return lookup(dotted_key).IsDefined(); }

YAML::Node Config::node(const std::string& dotted_key) const {
  YAML::Node n = lookup(dotted_key);
  if (!n.IsDefined()) throw Error("missing config key").key(dotted_key);
  return n;
}

template <typename T>
T Config::get(const std::string& dotted_key) const {
  const YAML::Node n = node(dotted_key);
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    throw Error("config value has the wrong type").key(dotted_key).found(describe(n));
  }
}

template bool Config::get<bool>(const std::string&) const;
template int Config::get<int>(const std::string&) const;
template long Config::get<long>(const std::string&) const;
template long long Config::get<long long>(const std::string&) const;
template unsigned long Config::get<unsigned long>(const std::string&) const;
template unsigned long long Config::get<unsigned long long>(const std::string&) const;
template float Config::get<float>(const std::string&) const;
template double Config::get<double>(const std::string&) const;
template std::string Config::get<std::string>(const std::string&) const;
template std::vector<int> Config::get<std::vector<int>>(const std::string&) const;
template std::vector<double> Config::get<std::vector<double>>(const std::string&) const;
template std::vector<std::string> Config::get<std::vector<std::string>>(const std::string&) const;

std::string Config::to_yaml() const {
  YAML::Emitter out;
  out << root_;
  return std::string(out.c_str()) + "\n";
}

}  // namespace motioncue
