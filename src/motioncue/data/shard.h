// The part of a data stream one rank of a data-parallel run loads. A global batch is B
// consecutive stream positions; rank r of W takes the r-th of W equal slices of it, so the ranks'
// batches together are exactly the batch one process would draw (same samples, same
// augmentation draws, which depend on the stream position only).
#pragma once

#include <cstdint>
#include <string>

namespace motioncue::data {

struct Shard {
  int rank = 0;
  int world_size = 1;

  // B / W; throws Error naming `key` unless W divides B.
  int local_batch(int global_batch, const std::string& key) const;
  // Stream position of item i (< local batch) of global batch k.
  std::int64_t position(std::int64_t k, int i, int global_batch) const {
    const int local = global_batch / world_size;
    return k * global_batch + static_cast<std::int64_t>(rank) * local + i;
  }
};

}  // namespace motioncue::data
