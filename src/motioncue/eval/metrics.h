// The evaluation metrics of docs/METHOD.md section 7. Inputs in metres, outputs in millimetres.
// Joints are the 14 evaluation joints in LSP order (FORMATS.md); the pelvis used for alignment
// is the midpoint of the two hips (joints 2 = R hip and 3 = L hip).
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace motioncue::eval {

inline constexpr int64_t kEvalJoints = 14;
inline constexpr int64_t kRightHip = 2;
inline constexpr int64_t kLeftHip = 3;

// N x 14 x 3 -> N x 3: the hip midpoint.
at::Tensor pelvis(const at::Tensor& joints);

// N x 14 errors (mm) after subtracting each side's own pelvis.
at::Tensor per_joint_error(const at::Tensor& pred, const at::Tensor& gt);
// N x 14 errors (mm) after the similarity Procrustes alignment (scale, rotation without
// reflection, translation) of each predicted frame onto its ground truth.
at::Tensor pa_per_joint_error(const at::Tensor& pred, const at::Tensor& gt);
// N x 14 errors (mm) after pelvis alignment and the best proper rotation of each predicted frame
// about its pelvis onto its ground truth (Kabsch: no scale, no further translation). Removes a
// wrong global orientation only, so MPJPE - MPJPE-R is the part of MPJPE due to it.
at::Tensor rot_per_joint_error(const at::Tensor& pred, const at::Tensor& gt);
// Per-frame means of the above (N).
at::Tensor mpjpe(const at::Tensor& pred, const at::Tensor& gt);
at::Tensor pa_mpjpe(const at::Tensor& pred, const at::Tensor& gt);
at::Tensor mpjpe_rot(const at::Tensor& pred, const at::Tensor& gt);

// Per-frame mean vertex error (mm, N) after aligning the pelvises given (N x 3 each; pass the
// hip midpoints of the 14 joints, as MPJPE uses, so both metrics share one alignment).
at::Tensor pve(const at::Tensor& pred_vertices, const at::Tensor& gt_vertices,
               const at::Tensor& pred_pelvis, const at::Tensor& gt_pelvis);
// As above, aligning the vertex means instead (for when no joints are at hand).
at::Tensor pve(const at::Tensor& pred_vertices, const at::Tensor& gt_vertices);

// Acceleration error (mm/frame^2) per valid triple: for every t whose rows t-1, t, t+1 carry
// the same sequence id, the mean over the 14 joints of |a_pred(t) - a_gt(t)| with
// a(t) = X[t-1] - 2 X[t] + X[t+1], on pelvis-aligned joints. Rows of one sequence must be
// consecutive frames in order; triples never span a change of sequence id. Returns M values.
at::Tensor acceleration_errors(const at::Tensor& pred, const at::Tensor& gt,
                               const std::vector<int64_t>& sequence_ids);
// Their mean; NaN when no sequence has three frames.
double acceleration_error(const at::Tensor& pred, const at::Tensor& gt,
                          const std::vector<int64_t>& sequence_ids);

struct MetricSummary {
  double mpjpe = 0, pa_mpjpe = 0, pve = 0, accel = 0;  // NaN where not computable
  int64_t frames = 0;
  int64_t accel_triples = 0;
};
// Means over all frames. Vertices are optional (undefined tensors: pve = NaN).
MetricSummary summarize(const at::Tensor& pred_joints, const at::Tensor& gt_joints,
                        const std::vector<int64_t>& sequence_ids,
                        const at::Tensor& pred_vertices = {}, const at::Tensor& gt_vertices = {});
nlohmann::json to_json(const MetricSummary& summary);

}  // namespace motioncue::eval
