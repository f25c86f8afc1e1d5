// Stable 64-bit hashes (FNV-1a) for cache keys and file identities; the same input gives the same
// hash on every machine and in every run (unlike std::hash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace motioncue::flow {

std::uint64_t fnv1a64(const void* data, std::size_t size,
                      std::uint64_t seed = 0xcbf29ce484222325ULL);
inline std::uint64_t fnv1a64(const std::string& s) { return fnv1a64(s.data(), s.size()); }
std::string hex64(std::uint64_t v);  // 16 lowercase hex digits

}  // namespace motioncue::flow
