#include "motioncue/train/trainable.h"

#include <torch/torch.h>

#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"

namespace motioncue::train {

std::vector<at::Tensor> network_state(const model::PoseNetwork& network) {
  std::vector<at::Tensor> state;
  for (const auto& named : {network.named_parameters(), network.named_buffers()})
    for (const auto& [name, t] : named) state.push_back(t.detach());
  return state;
}

std::vector<at::Tensor> NetworkTrainable::parameters() const { return network_.parameters(); }

std::vector<at::Tensor> NetworkTrainable::state() const { return network_state(network_); }

bool NetworkTrainable::is_training() const { return network_.is_training(); }

void NetworkTrainable::set_train(bool train) { network_.set_train(train); }

eval::Predictor NetworkTrainable::predictor() const {
  return eval::single_frame_predictor(network_);
}

void NetworkTrainable::save(const std::filesystem::path& file, const nlohmann::json& meta,
                            torch::optim::Optimizer* optimizer) const {
  model::save_checkpoint(file, network_, meta, optimizer);
}

void NetworkTrainable::load(const std::filesystem::path& file) {
  model::load_weights(file, network_);
}

}  // namespace motioncue::train
