// A small random number generator whose output is the same on every platform and standard
// library (std::uniform_*_distribution and std::shuffle are not specified bit-exactly), so a seed
// reproduces the same crops, augmentations and orders everywhere.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace motioncue::data {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t bits() { return engine_(); }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), without modulo bias.
  std::uint64_t below(std::uint64_t n);
  // Standard normal (Box-Muller; one value per call, the pair's second value is dropped).
  double normal();

 private:
  std::mt19937_64 engine_;
};

// A permutation of 0..n-1 (Fisher-Yates with Rng).
std::vector<std::int64_t> random_permutation(std::int64_t n, Rng& rng);

}  // namespace motioncue::data
