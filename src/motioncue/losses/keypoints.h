// Keypoint terms in SPIN's form, shared by the supervised loss and by the 2D-keypoint term on
// unlabeled frames that carry detector keypoints (docs/METHOD.md sections 5 and 6).
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::losses {

// Weak-perspective projection to normalised crop coordinates (docs/METHOD.md section 2):
// p = s * X_xy + (tx, ty). points: N x K x 3, cam: N x 3 -> N x K x 2. Differentiable.
at::Tensor project_normalized(const at::Tensor& points, const at::Tensor& cam);

// Confidence-weighted squared error: mean over N x K x 2 of conf * (pred - target_xy)^2.
// pred: N x K x 2 normalised crop coordinates in [-1, 1]; target: N x K x 3 (x, y, confidence;
// confidence 0 = absent). Keypoints with confidence 0 still count in the mean's denominator (as in
// SPIN), so the weight of the term does not depend on how many are present.
at::Tensor keypoints_2d_loss(const at::Tensor& pred, const at::Tensor& target);

// Pelvis-centred 3D keypoints: pelvis = midpoint of keypoints 2 and 3 (right and left hip in the
// 24-keypoint SPIN order). points: N x K x 3 (K >= 4) -> N x K x 3.
at::Tensor pelvis_centred(const at::Tensor& points);

// Confidence-weighted MSE of pelvis-centred 3D keypoints, mean over N x K x 3, both sides centred
// on their own pelvis. A sample whose target lacks either hip (confidence 0) gets weight 0. pred: N
// x K x 3 metres; target: N x K x 4 (x, y, z, confidence).
at::Tensor keypoints_3d_loss(const at::Tensor& pred, const at::Tensor& target);

}  // namespace motioncue::losses
