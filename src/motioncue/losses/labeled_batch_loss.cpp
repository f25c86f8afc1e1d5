#include "motioncue/losses/labeled_batch_loss.h"

#include <torch/torch.h>

#include "motioncue/body/body_model.h"
#include "motioncue/body/rotations.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/model/network.h"

namespace motioncue::losses {

SupervisedTerms supervised_forward(const model::PoseNetwork& network, const body::BodyModel& body,
                                   const data::LabeledBatch& batch,
                                   const SupervisedWeights& weights) {
  const auto device = network.device();
  // The supervised terms need the keypoints only, not the posed mesh.
  const model::Prediction pred = network.forward(batch.images.to(device));
  const at::Tensor keypoints = body.keypoints(pred.rotmats, pred.betas);
  SupervisedTargets targets;
  const auto n = batch.pose.size(0);
  targets.rotmats = body::axis_angle_to_matrix(batch.pose.to(device).view({n, 24, 3}));
  targets.betas = batch.betas.to(device);
  targets.has_smpl = batch.has_smpl.to(device);
  targets.keypoints2d = batch.keypoints2d.to(device);
  targets.keypoints3d = batch.keypoints3d.to(device);
  return supervised_loss(pred.rotmats, pred.betas, pred.cam, keypoints, targets, weights);
}

}  // namespace motioncue::losses
