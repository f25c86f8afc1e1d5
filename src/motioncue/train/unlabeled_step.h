// The unlabeled half of a refinement step: both frames of each pair through the network and the
// body model, projection with each frame's own camera, visibility in each frame (no gradient),
// then the motion-consistency, colour-consistency and keypoint terms (docs/METHOD.md sections 4,
// 6).
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

#include "motioncue/losses/flow_consistency.h"

namespace motioncue::body {
class BodyModel;
}
namespace motioncue::model {
class PoseNetwork;
}
namespace motioncue::data {
struct PairBatch;
}

namespace motioncue::train {

struct UnlabeledWeights {
  double flow = 0.01, texture = 0, keypoints = 0;
};

struct UnlabeledTerms {
  at::Tensor total;                      // weighted sum, differentiable
  std::map<std::string, double> logged;  // each term (unweighted) and diagnostics
};

// `flow_loss.resolution` is the crop resolution of the pairs' flow (and of the projection), which
// may differ from the network's input size.
UnlabeledTerms unlabeled_forward(const model::PoseNetwork& network, const body::BodyModel& body,
                                 const data::PairBatch& pairs, const UnlabeledWeights& weights,
                                 const losses::FlowLossOptions& flow_loss);

}  // namespace motioncue::train
