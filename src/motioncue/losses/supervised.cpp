#include "motioncue/losses/supervised.h"

#include <torch/torch.h>

#include <cmath>

#include "motioncue/core/tensor_checks.h"
#include "motioncue/losses/keypoints.h"

namespace motioncue::losses {
namespace {

constexpr const char* kSupervised = "supervised_loss";

// Mean squared error over the rows selected by `rows` (N, 0/1) and all their elements; 0 (still
// connected to `pred`) when no row is selected.
at::Tensor masked_mse(const at::Tensor& pred, const at::Tensor& target, const at::Tensor& rows) {
  const auto per_row = (pred - target).pow(2).reshape({pred.size(0), -1}).sum(1);  // N
  const double elements_per_row =
      pred.size(0) > 0 ? static_cast<double>(pred.numel() / pred.size(0)) : 1.0;
  return (per_row * rows).sum() / (rows.sum() * elements_per_row).clamp_min(1.0);
}

}  // namespace

at::Tensor camera_prior(const at::Tensor& scale) {
  // Written as SPIN writes it below the knee, so that earlier runs reproduce to the bit.
  constexpr double kKnee = 20.0;  // in -10 s; exp(2 * 20) ~ 2e17 is far above any sane loss
  const at::Tensor y = -10.0 * scale;
  return y.clamp_max(kKnee).exp().pow(2) + 2.0 * std::exp(2.0 * kKnee) * (y - kKnee).relu();
}

SupervisedTerms supervised_loss(const at::Tensor& pred_rotmats, const at::Tensor& pred_betas,
                                const at::Tensor& pred_cam, const at::Tensor& pred_keypoints3d,
                                const SupervisedTargets& targets,
                                const SupervisedWeights& weights) {
  check_shape(pred_rotmats, {-1, 24, 3, 3}, kSupervised, "pred_rotmats");
  const int64_t n = pred_rotmats.size(0);
  check_shape(pred_betas, {n, 10}, kSupervised, "pred_betas");
  check_shape(pred_cam, {n, 3}, kSupervised, "pred_cam");
  check_shape(pred_keypoints3d, {n, 24, 3}, kSupervised, "pred_keypoints3d");
  check_shape(targets.rotmats, {n, 24, 3, 3}, kSupervised, "targets.rotmats");
  check_shape(targets.betas, {n, 10}, kSupervised, "targets.betas");
  check_shape(targets.has_smpl, {n}, kSupervised, "targets.has_smpl");
  check_shape(targets.keypoints2d, {n, 24, 3}, kSupervised, "targets.keypoints2d");
  check_shape(targets.keypoints3d, {n, 24, 4}, kSupervised, "targets.keypoints3d");
  for (const auto& [t, name] : {std::pair{&pred_rotmats, "pred_rotmats"},
                                {&pred_betas, "pred_betas"},
                                {&pred_cam, "pred_cam"},
                                {&pred_keypoints3d, "pred_keypoints3d"}})
    check_floating(*t, kSupervised, name);

  const auto dtype = pred_rotmats.scalar_type();
  const auto rows = (targets.has_smpl != 0).to(dtype);
  const auto scale = pred_cam.select(1, 0);

  std::map<std::string, std::pair<double, at::Tensor>> raw;
  raw["pose"] = {weights.pose, masked_mse(pred_rotmats, targets.rotmats.to(dtype), rows)};
  raw["betas"] = {weights.betas, masked_mse(pred_betas, targets.betas.to(pred_betas.scalar_type()),
                                            rows.to(pred_betas.scalar_type()))};
  raw["beta_prior"] = {weights.beta_prior, n > 0 ? pred_betas.pow(2).mean() : pred_betas.sum()};
  raw["kp2d"] = {weights.kp2d, keypoints_2d_loss(project_normalized(pred_keypoints3d, pred_cam),
                                                 targets.keypoints2d)};
  raw["kp3d"] = {weights.kp3d, keypoints_3d_loss(pred_keypoints3d, targets.keypoints3d)};
  raw["cam_reg"] = {weights.cam_reg, n > 0 ? camera_prior(scale).mean() : scale.sum()};

  SupervisedTerms out;
  at::Tensor sum;
  for (const auto& [name, weighted] : raw) {
    const auto term = weights.overall * weighted.first * weighted.second;
    out.terms[name] = term.detach();
    sum = sum.defined() ? sum + term : term;
  }
  out.total = sum;
  return out;
}

}  // namespace motioncue::losses
