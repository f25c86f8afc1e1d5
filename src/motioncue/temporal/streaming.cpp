#include "motioncue/temporal/streaming.h"

#include <torch/torch.h>

#include <memory>

#include "motioncue/core/error.h"
#include "motioncue/data/sequence_loader.h"
#include "motioncue/temporal/context_model.h"

namespace motioncue::temporal {

StreamingPredictor::StreamingPredictor(const model::PoseNetwork& network,
                                       const ContextNetwork& context_network)
    : network_(network), context_(context_network) {
  if (context_network.feature_dim() != network.feature_dim())
    throw Error("context network and pose network disagree on the feature size")
        .expected(std::to_string(network.feature_dim()))
        .found(std::to_string(context_network.feature_dim()));
}

void StreamingPredictor::reset() {
  history_.clear();
  seq_ = frame_ = -1;
}

model::Prediction StreamingPredictor::predict(const at::Tensor& images,
                                              const std::vector<std::int64_t>& seq,
                                              const std::vector<std::int64_t>& frame) {
  const int64_t n = images.size(0);
  if (static_cast<int64_t>(seq.size()) != n || static_cast<int64_t>(frame.size()) != n)
    throw Error("one sequence and frame id per image needed")
        .expected(std::to_string(n))
        .found(std::to_string(seq.size()) + " / " + std::to_string(frame.size()));
  torch::NoGradGuard no_grad;
  const int k = context_.config().frames;
  auto features = network_.features(images);
  auto rows = context_rows(network_.regress(features));
  std::vector<at::Tensor> windows;
  std::vector<bool> use(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const auto u = static_cast<size_t>(i);
    if (seq[u] != seq_ || frame[u] != frame_ + 1) history_.clear();
    seq_ = seq[u], frame_ = frame[u];
    use[u] = !history_.empty() && k > 0;
    if (k > 0) {
      std::vector<at::Tensor> window;
      if (history_.empty()) {
        window.assign(static_cast<size_t>(k), rows[i]);  // unused (single-frame path)
      } else {
        window.assign(static_cast<size_t>(k) - history_.size(), history_.front());
        window.insert(window.end(), history_.begin(), history_.end());
      }
      windows.push_back(torch::stack(window));
      history_.push_back(rows[i]);
      if (static_cast<int>(history_.size()) > k) history_.pop_front();
    }
  }
  auto context = k > 0 ? torch::stack(windows) : rows.new_empty({n, 0, kContextValues});
  return regress_with_context(network_, context_, features, context, use);
}

model::Prediction StreamingPredictor::operator()(const data::FrameBatch& batch) {
  return predict(batch.images, batch.seq, batch.frame);
}

eval::Predictor context_predictor(const model::PoseNetwork& network,
                                  const ContextNetwork& context_network) {
  auto state = std::make_shared<StreamingPredictor>(network, context_network);
  return [state](const data::FrameBatch& batch) { return (*state)(batch); };
}

model::Prediction predict_sequence(const model::PoseNetwork& network,
                                   const ContextNetwork& context_network,
                                   const at::Tensor& images) {
  torch::NoGradGuard no_grad;
  auto features = network.features(images);
  auto rows = context_rows(network.regress(features));
  auto context = context_windows(rows, context_network.config().frames);
  std::vector<bool> use(static_cast<size_t>(images.size(0)), true);
  if (!use.empty()) use[0] = false;
  return regress_with_context(network, context_network, features, context, use);
}

}  // namespace motioncue::temporal
