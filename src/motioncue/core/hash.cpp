#include "motioncue/core/hash.h"

#include <cstdio>

namespace motioncue {

std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t h = seed;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string fnv1a64_hex(const std::vector<std::uint8_t>& bytes) {
  return hex64(fnv1a64(bytes.data(), bytes.size()));
}

std::string legacy_checkpoint_checksum_hex(const std::vector<std::uint8_t>& bytes) {
  return hex64(fnv1a64(bytes.data(), bytes.size(), 1469598103934665603ULL));
}

}  // namespace motioncue
