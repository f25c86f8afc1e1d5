// FNV-1a, 64-bit: a fast, stable content hash for checksums and cache keys (not cryptographic);
// the same input gives the same hash on every machine and in every run (unlike std::hash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace motioncue {

constexpr std::uint64_t kFnv1aOffsetBasis = 0xcbf29ce484222325ULL;

std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t seed = kFnv1aOffsetBasis);
inline std::uint64_t fnv1a64(const std::string& s) { return fnv1a64(s.data(), s.size()); }
std::string hex64(std::uint64_t v);  // 16 lower-case hex digits
// hex64(fnv1a64(bytes)).
std::string fnv1a64_hex(const std::vector<std::uint8_t>& bytes);

// The checksum checkpoints written before sidecar version 2 recorded: FNV-1a's loop from a
// mistyped offset basis (1469598103934665603, the true basis' decimal digits short of the last).
// Read only, to verify those checkpoints.
std::string legacy_checkpoint_checksum_hex(const std::vector<std::uint8_t>& bytes);

}  // namespace motioncue
