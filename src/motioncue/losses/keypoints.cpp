#include "motioncue/losses/keypoints.h"

#include <torch/torch.h>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"

namespace motioncue::losses {

at::Tensor project_normalized(const at::Tensor& points, const at::Tensor& cam) {
  check_shape(points, {-1, -1, 3}, "project_normalized", "points");
  check_shape(cam, {points.size(0), 3}, "project_normalized", "cam");
  const auto s = cam.narrow(1, 0, 1).unsqueeze(1);  // N x 1 x 1
  const auto t = cam.narrow(1, 1, 2).unsqueeze(1);  // N x 1 x 2
  return s * points.narrow(2, 0, 2) + t;
}

at::Tensor keypoints_2d_loss(const at::Tensor& pred, const at::Tensor& target) {
  check_shape(pred, {-1, -1, 2}, "keypoints_2d_loss", "pred");
  check_shape(target, {pred.size(0), pred.size(1), 3}, "keypoints_2d_loss", "target");
  if (pred.numel() == 0) return pred.sum() * 0.0;
  const auto t = target.to(pred.scalar_type());
  const auto conf = t.narrow(2, 2, 1);
  return (conf * (pred - t.narrow(2, 0, 2)).pow(2)).mean();
}

at::Tensor pelvis_centred(const at::Tensor& points) {
  check_shape(points, {-1, -1, 3}, "pelvis_centred", "points");
  if (points.size(1) < 4)
    throw Error("pelvis_centred: need the 24-keypoint set (hips at 2 and 3)")
        .key("points")
        .found(shape_string(points));
  const auto pelvis = 0.5 * (points.select(1, 2) + points.select(1, 3));  // N x 3
  return points - pelvis.unsqueeze(1);
}

at::Tensor keypoints_3d_loss(const at::Tensor& pred, const at::Tensor& target) {
  check_shape(pred, {-1, -1, 3}, "keypoints_3d_loss", "pred");
  check_shape(target, {pred.size(0), pred.size(1), 4}, "keypoints_3d_loss", "target");
  if (pred.size(0) == 0) return pred.sum() * 0.0;
  const auto t = target.to(pred.scalar_type());
  // Centring needs both hips; a sample missing either has no usable 3D keypoints.
  const auto hips_present = (t.select(2, 3).select(1, 2) > 0) & (t.select(2, 3).select(1, 3) > 0);
  const auto conf = t.narrow(2, 3, 1) * hips_present.to(t.scalar_type()).view({-1, 1, 1});
  return (conf * (pelvis_centred(pred) - pelvis_centred(t.narrow(2, 0, 3))).pow(2)).mean();
}

}  // namespace motioncue::losses
