// Inference with the temporal context on sequences, streaming (frame after frame, as video
// arrives) or in one batch per sequence; both give the same outputs.
//
// The context of frame t is the single-frame network's own detached predictions on frames
// t-k .. t-1 (what the context model is trained on, and what lets a whole sequence run as one
// batch). Frame 0 of a sequence has no context and goes through the single-frame path; frames
// 1 .. k-1 pad the missing older frames with frame 0's prediction (the earliest available).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <deque>

#include "motioncue/eval/evaluator.h"
#include "motioncue/model/network.h"

namespace motioncue::temporal {

class ContextNetwork;

// Stateful: keeps the last k single-frame predictions of the current sequence. A frame of a
// different sequence, or one that is not the next frame of the current sequence, starts afresh.
class StreamingPredictor {
 public:
  // Both networks must outlive the predictor; put them in eval mode first.
  StreamingPredictor(const model::PoseNetwork& network, const ContextNetwork& context_network);
  // images: N x 3 x R x R, seq and frame ids per row (in sequence order).
  model::Prediction predict(const at::Tensor& images, const std::vector<std::int64_t>& seq,
                            const std::vector<std::int64_t>& frame);
  model::Prediction operator()(const data::FrameBatch& batch);
  void reset();

 private:
  const model::PoseNetwork& network_;
  const ContextNetwork& context_;
  std::deque<at::Tensor> history_;  // 85-value rows, oldest first, at most k
  std::int64_t seq_ = -1, frame_ = -1;
};

// An eval::Predictor over a StreamingPredictor (shared state; batches in sequence order).
eval::Predictor context_predictor(const model::PoseNetwork& network,
                                  const ContextNetwork& context_network);

// One whole sequence in one batch: images T x 3 x R x R of consecutive frames.
model::Prediction predict_sequence(const model::PoseNetwork& network,
                                   const ContextNetwork& context_network, const at::Tensor& images);

}  // namespace motioncue::temporal
