#include "motioncue/data/shuffled_stream.h"

#include "motioncue/core/error.h"
#include "motioncue/core/seed.h"
#include "motioncue/data/rng.h"

namespace motioncue::data {

ShuffledStream::ShuffledStream(std::int64_t n, std::uint64_t seed) : n_(n), seed_(seed) {
  if (n <= 0) throw Error("cannot draw batches from an empty set of samples");
}

std::int64_t ShuffledStream::at(std::int64_t g) {
  const std::int64_t epoch = g / n_, pos = g % n_;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = epochs_.find(epoch);
  if (it == epochs_.end()) {
    Rng rng(derive_seed(seed_, "epoch-order", static_cast<std::uint64_t>(epoch)));
    it = epochs_.emplace(epoch, random_permutation(n_, rng)).first;
    // Workers are at most a few batches apart: keep only the newest epochs.
    while (epochs_.size() > 4) epochs_.erase(epochs_.begin());
  }
  return it->second[static_cast<std::size_t>(pos)];
}

}  // namespace motioncue::data
