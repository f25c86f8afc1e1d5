// Whole-string number parsing for text from files and command lines: a value, or nothing when the
// text is not exactly one number in range (no exceptions to catch, no trailing characters).
#pragma once

#include <optional>
#include <string>

namespace motioncue {

std::optional<double> parse_double(const std::string& text);
std::optional<long long> parse_integer(const std::string& text);

}  // namespace motioncue
