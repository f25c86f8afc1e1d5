#include "motioncue/core/hash.h"

#include <cstdio>

namespace motioncue {

std::uint64_t fnv1a64(const std::uint8_t* data, std::size_t size, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
  return h;
}

std::string fnv1a64_hex(const std::vector<std::uint8_t>& bytes) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(fnv1a64(bytes.data(), bytes.size())));
  return buf;
}

}  // namespace motioncue
