// The forward passes shared by every trainer: network -> body model -> what the losses need.
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::body {
class BodyModel;
}
namespace motioncue::model {
class PoseNetwork;
struct Prediction;
}  // namespace motioncue::model
namespace motioncue::data {
struct LabeledBatch;
}
namespace motioncue::losses {
struct SupervisedTerms;
struct SupervisedWeights;
}  // namespace motioncue::losses

namespace motioncue::train {

struct BodyPrediction {
  at::Tensor rotmats, betas, cam;  // from the network
  at::Tensor vertices, keypoints;  // from the body model: N x V x 3, N x 24 x 3
};

BodyPrediction predict_bodies(const model::PoseNetwork& network, const body::BodyModel& body,
                              const at::Tensor& images);

// The supervised loss of a labeled batch (docs/METHOD.md section 5), moved to the network's device.
losses::SupervisedTerms supervised_forward(const model::PoseNetwork& network,
                                           const body::BodyModel& body,
                                           const data::LabeledBatch& batch,
                                           const losses::SupervisedWeights& weights);

}  // namespace motioncue::train
