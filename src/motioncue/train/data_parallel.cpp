#include "motioncue/train/data_parallel.h"

#include <torch/torch.h>

#include <vector>

#include "motioncue/distributed/process_group.h"
#include "motioncue/model/network.h"
#include "motioncue/train/trainers.h"

namespace motioncue::train {

data::Shard join_data_parallel(const TrainControl& control, model::PoseNetwork& network) {
  distributed::Group* group = control.group;
  if (group == nullptr) return {};
  std::vector<at::Tensor> state;
  for (const auto& named : {network.named_parameters(), network.named_buffers()})
    for (const auto& [name, t] : named) state.push_back(t.detach());
  group->broadcast(state);
  return {group->rank(), group->world_size()};
}

}  // namespace motioncue::train
