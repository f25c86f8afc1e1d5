#include "motioncue/train/batch_forward.h"

#include <torch/torch.h>

#include "motioncue/body/body_model.h"
#include "motioncue/model/network.h"

namespace motioncue::train {

BodyPrediction predict_bodies(const model::PoseNetwork& network, const body::BodyModel& body,
                              const at::Tensor& images) {
  const model::Prediction p = network.forward(images.to(network.device()));
  const body::BodyOutput out = body.forward(p.rotmats, p.betas);
  return {p.rotmats, p.betas, p.cam, out.vertices, out.keypoints};
}

}  // namespace motioncue::train
