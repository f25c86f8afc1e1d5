// Linear blend skinning, the body layer's inner loop: every vertex is moved by the weighted sum of
// its joints' rigid transforms, x' = sum_j W[v, j] (R_j x + t_j). A vertex has few joints (SMPL and
// the built-in model: at most 4 of 24), so the weights are also kept per vertex as (joint, weight)
// pairs. On the CPU a kernel with a hand-written backward works on those pairs; on other devices
// the same product is composed from ATen operations on the dense weights.
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::body {

struct SkinningWeights {
  at::Tensor dense;    // V x J
  at::Tensor joints;   // V x K int64: each vertex's joints of non-zero weight, padded with joint 0
  at::Tensor weights;  // V x K, the matching weights, padded with 0

  // K is the largest number of non-zero weights of one vertex (at least 1).
  static SkinningWeights from_dense(const at::Tensor& dense);
};

// transforms: N x J x 3 x 4, [R | t] mapping rest positions to posed ones; points: N x V x 3.
// Returns N x V x 3, differentiable (first order) in both inputs. On the CPU the result does not
// depend on the number of threads.
at::Tensor blend_skinning(const at::Tensor& transforms, const at::Tensor& points,
                          const SkinningWeights& weights);

// The same product from ATen operations on the dense weights, on any device.
at::Tensor blend_skinning_dense(const at::Tensor& transforms, const at::Tensor& points,
                                const at::Tensor& dense_weights);

// Keypoints regressed from skinned vertices without skinning them. A keypoint is a fixed linear
// combination of vertices (K, 24 x V), and skinning is linear in the rest positions, so
//   keypoint_k = sum_j R_j c_kj + t_j m_kj,  m_kj = sum_v K_kv W_vj,  c_kj = sum_v K_kv W_vj x_v,
// and c is linear in the shape coefficients and pose features that make x_v. The sums over
// vertices are done once, here, in the precision of the arguments.
struct KeypointSkinning {
  at::Tensor joint_weights;  // K x J: m
  at::Tensor rest;           // K x J x 3: c of the template
  at::Tensor shape;          // K*J*3 x B: c per shape coefficient
  at::Tensor pose;           // P x K*J*3: c per pose feature, or undefined

  // regressor: K x V; weights: V x J; template_vertices: V x 3; shape_directions: V*3 x B;
  // pose_directions: P x V*3 or undefined.
  static KeypointSkinning build(const at::Tensor& regressor, const at::Tensor& weights,
                                const at::Tensor& template_vertices,
                                const at::Tensor& shape_directions,
                                const at::Tensor& pose_directions);
  // transforms: N x J x 3 x 4 as for blend_skinning; betas: N x b with b <= B; pose_features:
  // N x P or undefined. Returns N x K x 3.
  at::Tensor keypoints(const at::Tensor& transforms, const at::Tensor& betas,
                       const at::Tensor& pose_features) const;
};

}  // namespace motioncue::body
