// The supervised anchor of refinement and the loss of baseline training (docs/METHOD.md section 5,
// SPIN/EFT form): total = overall * sum_i weight_i * term_i.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace motioncue::losses {

struct SupervisedWeights {
  double pose = 1, betas = 0.001, beta_prior = 1, kp2d = 5, kp3d = 5, cam_reg = 1, overall = 60;
};

struct SupervisedTargets {
  at::Tensor rotmats;      // N x 24 x 3 x 3
  at::Tensor betas;        // N x 10
  at::Tensor has_smpl;     // N (bool or 0/1): rows where rotmats and betas are valid
  at::Tensor keypoints2d;  // N x 24 x 3: normalised crop coordinates [-1, 1] + confidence
  at::Tensor keypoints3d;  // N x 24 x 4: metres + confidence
};

struct SupervisedTerms {
  at::Tensor total;  // scalar, differentiable
  // "pose", "betas", "beta_prior", "kp2d", "kp3d", "cam_reg": overall * weight * term, detached,
  // for logging; they add up to total.
  std::map<std::string, at::Tensor> terms;
};

// pose: MSE of the rotation matrices over the rows with has_smpl (0 when there are none);
// betas: MSE over the same rows; beta_prior: mean(beta^2) over all rows; kp2d: keypoints_2d_loss
// of the predicted keypoints projected with the predicted camera (p = s X_xy + t); kp3d:
// keypoints_3d_loss (pelvis-centred, confidence-weighted); cam_reg: mean(exp(-10 s)^2).
// pred_rotmats N x 24 x 3 x 3, pred_betas N x 10, pred_cam N x 3 (s, tx, ty),
// pred_keypoints3d N x 24 x 3 (the body model's keypoints).
// SPIN's camera prior exp(-10 s)^2 = exp(-20 s) per prediction, continued linearly (value and
// slope matched) where -20 s > 40, i.e. s < -2: there the exponential overflows float for s < -4.4
// and a network whose scales start negative (random weights) would stop with an infinite loss
// instead of being pushed back to positive scales.
at::Tensor camera_prior(const at::Tensor& scale);

SupervisedTerms supervised_loss(const at::Tensor& pred_rotmats, const at::Tensor& pred_betas,
                                const at::Tensor& pred_cam, const at::Tensor& pred_keypoints3d,
                                const SupervisedTargets& targets,
                                const SupervisedWeights& weights = {});

}  // namespace motioncue::losses
