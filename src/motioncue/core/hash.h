// FNV-1a, 64-bit: a fast, stable content hash for checksums and cache keys (not cryptographic).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace motioncue {

std::uint64_t fnv1a64(const std::uint8_t* data, std::size_t size,
                      std::uint64_t seed = 1469598103934665603ull);
// 16 lower-case hex digits.
std::string fnv1a64_hex(const std::vector<std::uint8_t>& bytes);

}  // namespace motioncue
