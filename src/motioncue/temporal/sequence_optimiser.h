// The alternative the paper compares against weight refinement (docs/METHOD.md section 6): the
// per-frame parameters of one test sequence (6D pose, betas, camera), initialised from the
// network, optimised directly with the flow term between adjacent frames, a moving-average
// smoothness term on the 3D joints, and an anchor to the initial values (without which nothing
// would keep the sequence near what the images say).
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

#include "motioncue/losses/flow_consistency.h"
#include "motioncue/model/network.h"

namespace motioncue::body {
class BodyModel;
}

namespace motioncue::temporal {

struct SequenceOptimiserOptions {
  int iterations = 100;
  double lr = 1e-2;            // Adam
  double w_flow = 1.0;         // used only when flows are given
  double smooth_weight = 1e3;  // on joints in metres: 1 mm^2 second difference ~ 1e-3
  double anchor_weight = 1.0;  // mean squared change of the 157 parameters per frame
  losses::FlowLossOptions flow;
};

struct SequenceOptimiserResult {
  model::Prediction prediction;   // T frames, detached
  std::vector<double> objective;  // per iteration, before its step; then the final value
};

// One sequence of T consecutive frames. `initial`: T-frame prediction (typically the network's).
// flow_fw, flow_bw: (T-1) x 2 x R x R flows between frames t and t+1 in crop pixels consistent
// with the cameras (R = options.flow.resolution), or undefined to optimise without the flow
// term. The body model must be on the prediction's device.
SequenceOptimiserResult optimise_sequence(const body::BodyModel& body,
                                          const model::Prediction& initial,
                                          const at::Tensor& flow_fw, const at::Tensor& flow_bw,
                                          const SequenceOptimiserOptions& options);

}  // namespace motioncue::temporal
