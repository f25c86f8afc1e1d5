// The supervised loss of a labeled batch through a network: network -> body model keypoints ->
// supervised_loss (docs/METHOD.md section 5), on the network's device. Every trainer's anchor.
#pragma once

#include "motioncue/losses/supervised.h"

namespace motioncue::body {
class BodyModel;
}
namespace motioncue::model {
class PoseNetwork;
}
namespace motioncue::data {
struct LabeledBatch;
}

namespace motioncue::losses {

SupervisedTerms supervised_forward(const model::PoseNetwork& network, const body::BodyModel& body,
                                   const data::LabeledBatch& batch,
                                   const SupervisedWeights& weights);

}  // namespace motioncue::losses
