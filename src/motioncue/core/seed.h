// One seed drives every random number generator: LibTorch's, OpenCV's and the C library's.
// Streams that must not depend on each other derive their own seed from the base seed by name.
#pragma once

#include <cstdint>
#include <string_view>

namespace motioncue {

void seed_everything(std::uint64_t seed);
// A well-mixed seed for a named stream ("augment", "pairs", worker 3...) of a base seed.
std::uint64_t derive_seed(std::uint64_t base, std::string_view stream, std::uint64_t index = 0);

}  // namespace motioncue
