// The forward pass of the unlabeled step: network -> body model -> what the losses need. (The
// supervised anchor's is losses::supervised_forward.)
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::body {
class BodyModel;
}
namespace motioncue::model {
class PoseNetwork;
struct Prediction;
}  // namespace motioncue::model

namespace motioncue::train {

struct BodyPrediction {
  at::Tensor rotmats, betas, cam;  // from the network
  at::Tensor vertices, keypoints;  // from the body model: N x V x 3, N x 24 x 3
};

BodyPrediction predict_bodies(const model::PoseNetwork& network, const body::BodyModel& body,
                              const at::Tensor& images);

}  // namespace motioncue::train
