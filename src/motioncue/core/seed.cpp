#include "motioncue/core/seed.h"

#include <torch/utils.h>

#include <opencv2/core.hpp>

#include <cstdlib>

namespace motioncue {
namespace {
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
}  // namespace

void seed_everything(std::uint64_t seed) {
  torch::manual_seed(seed);
  cv::theRNG().state = derive_seed(seed, "opencv");
  std::srand(static_cast<unsigned>(derive_seed(seed, "libc")));
}

std::uint64_t derive_seed(std::uint64_t base, std::string_view stream, std::uint64_t index) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a over the stream name
  for (char c : stream) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return splitmix64(splitmix64(base ^ h) + index);
}

}  // namespace motioncue
