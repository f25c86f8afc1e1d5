// What every trainer does when it runs as one rank of a data-parallel group (TrainControl::group):
// every rank starts from rank 0's weights and buffers and loads its own slice of every batch.
#pragma once

#include <functional>

#include "motioncue/data/shard.h"

namespace motioncue {
class RunDir;
}
namespace motioncue::distributed {
class Group;
}

namespace motioncue::train {

class Trainable;
struct TrainControl;

// Alone: the whole stream ({0, 1}). In a group: broadcasts rank 0's parameters and buffers into
// `trainable` (Trainable::state) and returns this rank's shard. A resumed run needs nothing more:
// every rank has restored the same checkpoint (weights, optimizer, generator), and the stream
// positions of a step do not depend on the number of ranks, so a run may even resume with another
// world size.
data::Shard join_data_parallel(const TrainControl& control, Trainable& trainable);

// Runs `work` as a rank > 0 does: without progress bars or info logging, in a private scratch run
// folder that is removed afterwards (rank 0 writes the real one).
void run_in_scratch_folder(const distributed::Group& group,
                           const std::function<void(const RunDir&)>& work);

}  // namespace motioncue::train
