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
struct UnlabeledOptions {
  bool normalize = true, threshold = true, backward = true;
  // The loss's crop resolution: the pairs' flow resolution, which may differ from the network's.
  int resolution = 128;
  // The flow term's form and the robust form's settings (losses::FlowLossOptions).
  losses::FlowLossForm flow_loss = losses::FlowLossForm::authors;
  double truncate_px_at_224 = 8.0;
  double max_root_turn_deg = 45.0;
};

struct UnlabeledTerms {
  at::Tensor total;                      // weighted sum, differentiable
  std::map<std::string, double> logged;  // each term (unweighted) and diagnostics
};

UnlabeledTerms unlabeled_forward(const model::PoseNetwork& network, const body::BodyModel& body,
                                 const data::PairBatch& pairs, const UnlabeledWeights& weights,
                                 const UnlabeledOptions& options);

}  // namespace motioncue::train
