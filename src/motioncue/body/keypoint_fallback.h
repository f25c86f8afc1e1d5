// The 24 SPIN-order keypoints as a regressor on vertices (24 x V), for model files that carry no
// J_regressor_keypoints: limb, neck, pelvis and head keypoints reuse the kinematic joint rows,
// face keypoints and the head top are single landmark vertices.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>

namespace motioncue::body {

// Landmark names used: head_top, nose, left_eye, right_eye, left_ear, right_ear, and optionally
// chin (the jaw keypoint; without it the jaw is the midpoint of the neck and head joints).
// When a name is missing and the model has SMPL's 6890-vertex topology, SMPL's customary vertex
// ids are used (nose 332, eyes 2800/6260, ears 583/4071, head top 412). Otherwise returns an
// undefined tensor: the model then has no keypoints.
at::Tensor fallback_keypoint_regressor(const at::Tensor& j_regressor,
                                       const std::map<std::string, std::int64_t>& landmarks,
                                       std::int64_t num_vertices);

// SPIN's 9 extra joints (J_regressor_extra.npy, 9 x V) in its order: right hip, left hip, neck,
// head top, pelvis, thorax, spine, jaw, head. Returns `keypoints` (24 x V) with those 9 rows
// replaced, so the hips, neck and head are SPIN's (LSP/MPII/Human3.6M) definitions rather than
// the kinematic joints.
at::Tensor with_spin_extra_joints(const at::Tensor& keypoints, const at::Tensor& extra);
inline constexpr std::int64_t kSpinExtraJoints = 9;

}  // namespace motioncue::body
