// An endless stream over n items: epoch e is a permutation drawn from (seed, e), so position g of
// the stream is item perm_{g / n}[g % n]. Positions can be asked for in any order, from any
// thread, and always give the same item.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

namespace motioncue::data {

class ShuffledStream {
 public:
  ShuffledStream(std::int64_t n, std::uint64_t seed);
  std::int64_t size() const { return n_; }
  // The item (0..n-1) at stream position g.
  std::int64_t at(std::int64_t g);

 private:
  std::int64_t n_;
  std::uint64_t seed_;
  std::mutex mutex_;
  std::map<std::int64_t, std::vector<std::int64_t>> epochs_;  // a few recent permutations
};

}  // namespace motioncue::data
