// JSON from files a user or another program wrote: one reader for all of them, so every one is
// bounded the same way (nesting depth checked before parsing, since a deeply nested file would
// otherwise exhaust the stack of whoever walks or prints it) and every failure names the file.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace motioncue {

constexpr int kMaxJsonDepth = 64;

// Parses `text`; an Error naming `origin` when it is not JSON or nests deeper than `max_depth`.
nlohmann::json parse_json(const std::string& text, const std::string& origin,
                          int max_depth = kMaxJsonDepth);
// read_file_text + parse_json.
nlohmann::json read_json_file(const std::filesystem::path& file, int max_depth = kMaxJsonDepth);

}  // namespace motioncue
