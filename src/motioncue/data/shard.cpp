#include "motioncue/data/shard.h"

#include "motioncue/core/error.h"

namespace motioncue::data {

int Shard::local_batch(int global_batch, const std::string& key) const {
  if (world_size < 1 || rank < 0 || rank >= world_size)
    throw Error("data shard out of range")
        .expected("0 <= rank < world size")
        .found(std::to_string(rank) + " of " + std::to_string(world_size));
  if (global_batch <= 0 || global_batch % world_size != 0)
    throw Error("a data-parallel run splits every batch evenly over its processes")
        .key(key)
        .expected("a multiple of " + std::to_string(world_size))
        .found(std::to_string(global_batch));
  return global_batch / world_size;
}

}  // namespace motioncue::data
