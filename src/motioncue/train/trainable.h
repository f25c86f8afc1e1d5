// What a TrainingLoop trains: the parameters its optimizer steps, what validation scores, and how
// the weights are written beside a checkpoint and read back. The pose network alone
// (NetworkTrainable) for `train` and `refine`; the network with its temporal context for
// `temporal train` (train_temporal.cpp).
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <vector>

#include "motioncue/eval/evaluator.h"

namespace torch::optim {
class Optimizer;
}
namespace motioncue::model {
class PoseNetwork;
}

namespace motioncue::train {

class Trainable {
 public:
  virtual ~Trainable() = default;
  // What the optimizer steps; clipped, and averaged over the ranks of a group, together.
  virtual std::vector<at::Tensor> parameters() const = 0;
  // Everything every rank starts from rank 0's copy of: parameters and buffers.
  virtual std::vector<at::Tensor> state() const = 0;
  virtual bool is_training() const = 0;
  virtual void set_train(bool train) = 0;
  // The image network; the still-image protocols score it alone.
  virtual const model::PoseNetwork& network() const = 0;
  // What validation on sequences scores.
  virtual eval::Predictor predictor() const = 0;
  // Writes checkpoint `file` (model/checkpoint.h; with `optimizer`'s state when given) and any
  // companion file beside it.
  virtual void save(const std::filesystem::path& file, const nlohmann::json& meta,
                    torch::optim::Optimizer* optimizer) const = 0;
  // Loads the weights save() wrote. Throws Error naming the file.
  virtual void load(const std::filesystem::path& file) = 0;
};

class NetworkTrainable final : public Trainable {
 public:
  explicit NetworkTrainable(model::PoseNetwork& network) : network_(network) {}
  std::vector<at::Tensor> parameters() const override;
  std::vector<at::Tensor> state() const override;
  bool is_training() const override;
  void set_train(bool train) override;
  const model::PoseNetwork& network() const override { return network_; }
  eval::Predictor predictor() const override;
  void save(const std::filesystem::path& file, const nlohmann::json& meta,
            torch::optim::Optimizer* optimizer) const override;
  void load(const std::filesystem::path& file) override;

 private:
  model::PoseNetwork& network_;
};

// A network's parameters and buffers, detached, in a fixed order (Trainable::state).
std::vector<at::Tensor> network_state(const model::PoseNetwork& network);

}  // namespace motioncue::train
