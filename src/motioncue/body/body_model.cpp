#include "motioncue/body/body_model.h"

#include <torch/torch.h>

#include <algorithm>

#include "motioncue/body/joint_sets.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"

namespace motioncue::body {

at::Tensor BodyModel::rest_joints() const { return j_template_; }

BodyOutput BodyModel::forward(const at::Tensor& rotmats_in, const at::Tensor& betas_in) const {
  if (!rotmats_in.defined() || rotmats_in.dim() != 4 || rotmats_in.size(1) != kNumJoints ||
      rotmats_in.size(2) != 3 || rotmats_in.size(3) != 3) {
    throw Error("wrong rotation-matrix shape")
        .key("rotmats")
        .expected("(N, 24, 3, 3)")
        .found(shape_string(rotmats_in));
  }
  const int64_t n = rotmats_in.size(0);
  if (!betas_in.defined() || betas_in.dim() != 2 || betas_in.size(0) != n) {
    throw Error("wrong betas shape")
        .key("betas")
        .expected("(" + std::to_string(n) + ", B)")
        .found(shape_string(betas_in));
  }
  if (betas_in.size(1) > num_betas_) {
    throw Error("more betas than the model has shape directions")
        .key("betas")
        .expected("at most " + std::to_string(num_betas_))
        .found(std::to_string(betas_in.size(1)));
  }
  if (rotmats_in.device() != device() || betas_in.device() != device()) {
    throw Error("inputs are on another device than the body model")
        .key("rotmats/betas")
        .expected(c10::str(device()))
        .found(c10::str(rotmats_in.device()) + "/" + c10::str(betas_in.device()));
  }
  const auto rotmats = rotmats_in.to(dtype());
  const auto betas = betas_in.to(dtype());
  const int64_t b = betas.size(1);
  const int64_t v = num_vertices();

  // Shape: template + shape blend shapes; joints through the precomputed regressor products
  // (J_regressor * (T + S b) = J_regressor T + (J_regressor S) b).
  at::Tensor v_shaped, joints_rest;
  if (b > 0) {
    v_shaped = v_template_.unsqueeze(0) +
               torch::matmul(betas, shapedirs_.narrow(1, 0, b).t()).view({n, v, 3});
    joints_rest = j_template_.unsqueeze(0) +
                  torch::matmul(betas, j_shapedirs_.narrow(1, 0, b).t()).view({n, kNumJoints, 3});
  } else {
    v_shaped = v_template_.unsqueeze(0).expand({n, v, 3});
    joints_rest = j_template_.unsqueeze(0).expand({n, kNumJoints, 3});
  }

  at::Tensor v_posed = v_shaped;
  if (posedirs_.defined()) {
    auto eye = torch::eye(3, rotmats.options());
    auto feature = (rotmats.narrow(1, 1, kNumJoints - 1) - eye).reshape({n, (kNumJoints - 1) * 9});
    v_posed = v_shaped + torch::matmul(feature, posedirs_).view({n, v, 3});
  }

  // Forward kinematics: world rotation and position of every joint.
  std::vector<at::Tensor> world_r(kNumJoints), world_t(kNumJoints);
  for (int j = 0; j < kNumJoints; ++j) {
    const int p = parents_[j];
    auto rj = rotmats.select(1, j);      // N, 3, 3
    auto jj = joints_rest.select(1, j);  // N, 3
    if (p < 0) {
      world_r[j] = rj;
      world_t[j] = jj;
    } else {
      auto offset = jj - joints_rest.select(1, p);
      world_r[j] = torch::matmul(world_r[p], rj);
      world_t[j] = world_t[p] + torch::matmul(world_r[p], offset.unsqueeze(-1)).squeeze(-1);
    }
  }
  auto r_all = torch::stack(world_r, 1);   // N, 24, 3, 3
  auto joints = torch::stack(world_t, 1);  // N, 24, 3
  // Skinning transforms map rest positions to posed ones: x -> R (x - J_rest) + J_posed.
  auto t_all = joints - torch::matmul(r_all, joints_rest.unsqueeze(-1)).squeeze(-1);
  auto a = torch::cat({r_all, t_all.unsqueeze(-1)}, 3);  // N, 24, 3, 4: [R | t]
  // Skinning in vertex-major layout: (V x 24) * (24 x N*12) matrix products give every vertex's
  // blended [R | t], then x' = R x + t as fused multiply-adds (a reduction over a last dimension
  // of size 4 would be several times slower). Done in blocks of vertices so that the blended
  // transforms stay in cache; the keypoint regressor then is one (24 x V) * (V x N*3) product.
  auto a_flat = a.permute({1, 0, 2, 3}).reshape({kNumJoints, n * 12});
  auto posed_vn = v_posed.transpose(0, 1);  // V, N, 3
  const int64_t block = std::max<int64_t>(256, (1 << 16) / std::max<int64_t>(n, 1));
  std::vector<at::Tensor> blocks;
  for (int64_t start = 0; start < v; start += block) {
    const int64_t len = std::min(block, v - start);
    auto t = torch::mm(weights_.narrow(0, start, len), a_flat).view({len, n, 3, 4});
    auto x = posed_vn.narrow(0, start, len);
    blocks.push_back(t.select(3, 3)
                         .addcmul(t.select(3, 0), x.narrow(2, 0, 1))
                         .addcmul(t.select(3, 1), x.narrow(2, 1, 1))
                         .addcmul(t.select(3, 2), x.narrow(2, 2, 1)));
  }
  auto vertices_vn = blocks.size() == 1 ? blocks[0] : torch::cat(blocks, 0);  // V, N, 3
  auto vertices = vertices_vn.transpose(0, 1).contiguous();                   // N, V, 3

  BodyOutput out;
  out.vertices = vertices;
  out.joints = joints;
  if (!keypoint_regressor_.defined()) {
    throw Error("the body model has no keypoint regressor and no landmarks to build one from")
        .file(source_.string())
        .key("J_regressor_keypoints");
  }
  out.keypoints = torch::mm(keypoint_regressor_, vertices_vn.reshape({v, n * 3}))
                      .view({kNumKeypoints, n, 3})
                      .transpose(0, 1)
                      .contiguous();
  return out;
}

BodyOutput BodyModel::forward_axis_angle(const at::Tensor& pose, const at::Tensor& betas) const {
  if (!pose.defined() || pose.dim() != 2 || pose.size(1) != 3 * kNumJoints) {
    throw Error("wrong pose shape").key("pose").expected("(N, 72)").found(shape_string(pose));
  }
  return forward(axis_angle_to_matrix(pose.reshape({pose.size(0), kNumJoints, 3})), betas);
}

void BodyModel::to(const at::Device& device, at::ScalarType dtype) {
  at::Tensor* buffers[] = {&v_template_, &shapedirs_,   &posedirs_, &j_regressor_,
                           &j_template_, &j_shapedirs_, &weights_,  &keypoint_regressor_};
  if (!master_) {
    auto master = std::make_shared<std::vector<at::Tensor>>();
    for (at::Tensor* t : buffers) {
      master->push_back(t->defined() ? t->to(torch::kDouble) : at::Tensor());
    }
    master_ = master;
  }
  for (std::size_t i = 0; i < master_->size(); ++i) {
    const at::Tensor& m = (*master_)[i];
    *buffers[i] = m.defined() ? m.to(device, dtype) : at::Tensor();
  }
}

}  // namespace motioncue::body
