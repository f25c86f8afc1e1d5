// JSON from files a user or another program wrote: one reader for all of them, so every one is
// bounded the same way (nesting depth checked before parsing, since a deeply nested file would
// otherwise exhaust the stack of whoever walks or prints it) and every failure names the file.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <type_traits>

namespace motioncue {

constexpr int kMaxJsonDepth = 64;

// Parses `text`; an Error naming `origin` when it is not JSON or nests deeper than `max_depth`.
nlohmann::json parse_json(const std::string& text, const std::string& origin,
                          int max_depth = kMaxJsonDepth);
// read_file_text + parse_json.
nlohmann::json read_json_file(const std::filesystem::path& file, int max_depth = kMaxJsonDepth);

namespace detail {
[[noreturn]] void throw_json_field_type(const std::string& origin, const std::string& key,
                                        const char* expected, const nlohmann::json& found);
}

// `object[key]` as T, `fallback` when the key is absent or null. Unlike nlohmann's value(), a field
// of another type (or an `object` that is not an object) is an Error naming `origin` and the key,
// not a JSON type_error. T: bool, an integer, a floating point type, std::string or nlohmann::json
// (which must then be an object).
template <typename T>
T json_field_or(const nlohmann::json& object, const std::string& key, T fallback,
                const std::string& origin) {
  if (!object.is_object()) detail::throw_json_field_type(origin, "", "an object", object);
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  const nlohmann::json& v = *it;
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) detail::throw_json_field_type(origin, key, "true or false", v);
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_unsigned_v<T>) {
      if (!v.is_number_unsigned() && !(v.is_number_integer() && v.template get<long long>() >= 0))
        detail::throw_json_field_type(origin, key, "a non-negative integer", v);
    } else if (!v.is_number_integer()) {
      detail::throw_json_field_type(origin, key, "an integer", v);
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) detail::throw_json_field_type(origin, key, "a number", v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) detail::throw_json_field_type(origin, key, "a string", v);
  } else {
    static_assert(std::is_same_v<T, nlohmann::json>, "json_field_or: unsupported type");
    if (!v.is_object()) detail::throw_json_field_type(origin, key, "an object", v);
  }
  return v.get<T>();
}

}  // namespace motioncue
