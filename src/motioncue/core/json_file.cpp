#include "motioncue/core/json_file.h"

#include <algorithm>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue {
namespace {

// The deepest nesting of arrays and objects, brackets inside strings not counted.
int nesting_depth(const std::string& text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

nlohmann::json parse_json(const std::string& text, const std::string& origin, int max_depth) {
  const int depth = nesting_depth(text);
  if (depth > max_depth)
    throw Error("JSON nested too deeply")
        .file(origin)
        .expected("at most " + std::to_string(max_depth) + " levels")
        .found(std::to_string(depth) + " levels");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("not valid JSON: ") + e.what()).file(origin);
  }
}

namespace detail {
void throw_json_field_type(const std::string& origin, const std::string& key, const char* expected,
                           const nlohmann::json& found) {
  std::string shown = found.dump();
  if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
  throw Error("wrong JSON type").file(origin).key(key).expected(expected).found(shown);
}
}  // namespace detail

nlohmann::json read_json_file(const std::filesystem::path& file, int max_depth) {
  return parse_json(read_file_text(file), file.string(), max_depth);
}

}  // namespace motioncue
