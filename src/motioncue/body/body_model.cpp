#include "motioncue/body/body_model.h"

#include <torch/torch.h>

#include <algorithm>

#include "motioncue/body/joint_sets.h"
#include "motioncue/body/rotations.h"
#include "motioncue/body/skinning.h"
#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"

namespace motioncue::body {

at::Tensor BodyModel::rest_joints() const { return j_template_; }

// The model's pose: inputs checked and converted, the kinematic chain evaluated.
struct BodyModel::Posed {
  at::Tensor rotmats, betas;  // in the model's dtype
  at::Tensor joints_rest;     // N, 24, 3 after the shape blend shapes
  at::Tensor joints;          // N, 24, 3 posed
  at::Tensor transforms;      // N, 24, 3, 4: [R | t] mapping rest positions to posed ones
  at::Tensor pose_features;   // N, 207 for the pose blend shapes, or undefined
};

BodyModel::Posed BodyModel::pose(const at::Tensor& rotmats_in, const at::Tensor& betas_in) const {
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
  if (!keypoint_regressor_.defined()) {
    throw Error("the body model has no keypoint regressor and no landmarks to build one from")
        .file(source_.string())
        .key("J_regressor_keypoints");
  }
  Posed p;
  p.rotmats = rotmats_in.to(dtype());
  p.betas = betas_in.to(dtype());
  const int64_t b = p.betas.size(1);

  // Joints of the shaped body through the precomputed regressor products
  // (J_regressor * (T + S b) = J_regressor T + (J_regressor S) b).
  if (b > 0) {
    p.joints_rest =
        j_template_.unsqueeze(0) +
        torch::matmul(p.betas, j_shapedirs_.narrow(1, 0, b).t()).view({n, kNumJoints, 3});
  } else {
    p.joints_rest = j_template_.unsqueeze(0).expand({n, kNumJoints, 3});
  }
  if (posedirs_.defined()) {
    auto eye = torch::eye(3, p.rotmats.options());
    p.pose_features =
        (p.rotmats.narrow(1, 1, kNumJoints - 1) - eye).reshape({n, (kNumJoints - 1) * 9});
  }

  // Forward kinematics: world rotation and position of every joint.
  std::vector<at::Tensor> world_r(kNumJoints), world_t(kNumJoints);
  for (int j = 0; j < kNumJoints; ++j) {
    const int parent = parents_[j];
    auto rj = p.rotmats.select(1, j);      // N, 3, 3
    auto jj = p.joints_rest.select(1, j);  // N, 3
    if (parent < 0) {
      world_r[j] = rj;
      world_t[j] = jj;
    } else {
      auto offset = jj - p.joints_rest.select(1, parent);
      world_r[j] = torch::matmul(world_r[parent], rj);
      world_t[j] =
          world_t[parent] + torch::matmul(world_r[parent], offset.unsqueeze(-1)).squeeze(-1);
    }
  }
  auto r_all = torch::stack(world_r, 1);  // N, 24, 3, 3
  p.joints = torch::stack(world_t, 1);    // N, 24, 3
  // Skinning transforms map rest positions to posed ones: x -> R (x - J_rest) + J_posed.
  auto t_all = p.joints - torch::matmul(r_all, p.joints_rest.unsqueeze(-1)).squeeze(-1);
  p.transforms = torch::cat({r_all, t_all.unsqueeze(-1)}, 3);
  return p;
}

BodyOutput BodyModel::forward(const at::Tensor& rotmats, const at::Tensor& betas,
                              bool with_vertices) const {
  const Posed p = pose(rotmats, betas);
  BodyOutput out;
  out.joints = p.joints;
  out.keypoints = keypoint_skinning_.keypoints(p.transforms, p.betas, p.pose_features);
  if (!with_vertices) return out;
  const int64_t n = p.rotmats.size(0), b = p.betas.size(1), v = num_vertices();
  at::Tensor v_posed;
  if (b > 0) {
    v_posed = v_template_.unsqueeze(0) +
              torch::matmul(p.betas, shapedirs_.narrow(1, 0, b).t()).view({n, v, 3});
  } else {
    v_posed = v_template_.unsqueeze(0).expand({n, v, 3});
  }
  if (p.pose_features.defined()) {
    v_posed = v_posed + torch::matmul(p.pose_features, posedirs_).view({n, v, 3});
  }
  out.vertices = blend_skinning(p.transforms, v_posed, skinning_);
  return out;
}

at::Tensor BodyModel::keypoints(const at::Tensor& rotmats, const at::Tensor& betas) const {
  return forward(rotmats, betas, false).keypoints;
}

BodyOutput BodyModel::forward_axis_angle(const at::Tensor& pose, const at::Tensor& betas) const {
  if (!pose.defined() || pose.dim() != 2 || pose.size(1) != 3 * kNumJoints) {
    throw Error("wrong pose shape").key("pose").expected("(N, 72)").found(shape_string(pose));
  }
  return forward(axis_angle_to_matrix(pose.reshape({pose.size(0), kNumJoints, 3})), betas);
}

void BodyModel::to(const at::Device& device, at::ScalarType dtype) {
  at::Tensor* buffers[] = {&v_template_,
                           &shapedirs_,
                           &posedirs_,
                           &j_regressor_,
                           &j_template_,
                           &j_shapedirs_,
                           &weights_,
                           &keypoint_regressor_,
                           &skinning_.weights,
                           &keypoint_skinning_.joint_weights,
                           &keypoint_skinning_.rest,
                           &keypoint_skinning_.shape,
                           &keypoint_skinning_.pose};
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
  skinning_.dense = weights_;
  skinning_.joints = skinning_.joints.to(device);
}

}  // namespace motioncue::body
