#include "motioncue/eval/metrics.h"

#include <cmath>
#include <limits>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"
#include "motioncue/geometry/procrustes.h"

namespace motioncue::eval {

namespace {

constexpr double kMm = 1000.0;

// Computations run in float64 whatever the input dtype; device follows the input.
at::Tensor as_double(const at::Tensor& t) { return t.to(torch::kDouble); }

void check_joints(const at::Tensor& pred, const at::Tensor& gt) {
  for (const auto* t : {&pred, &gt})
    if (!t->defined() || t->dim() != 3 || t->size(1) != kEvalJoints || t->size(2) != 3)
      throw Error("evaluation joints must be N x 14 x 3").found(shape_string(*t));
  if (pred.sizes() != gt.sizes())
    throw Error("predicted and ground-truth joints differ in shape")
        .expected(shape_string(gt))
        .found(shape_string(pred));
}

void check_vertices(const at::Tensor& pred, const at::Tensor& gt) {
  if (!pred.defined() || pred.dim() != 3 || pred.size(2) != 3 || pred.sizes() != gt.sizes())
    throw Error("predicted and ground-truth vertices must both be N x V x 3")
        .expected(shape_string(gt))
        .found(shape_string(pred));
}

at::Tensor pelvis_aligned(const at::Tensor& joints) {
  const auto j = as_double(joints);
  return j - pelvis(j).unsqueeze(1);
}

}  // namespace

at::Tensor pelvis(const at::Tensor& joints) {
  if (!joints.defined() || joints.dim() != 3 || joints.size(1) != kEvalJoints)
    throw Error("evaluation joints must be N x 14 x 3").found(shape_string(joints));
  return 0.5 * (joints.select(1, kRightHip) + joints.select(1, kLeftHip));
}

at::Tensor per_joint_error(const at::Tensor& pred, const at::Tensor& gt) {
  check_joints(pred, gt);
  return (pelvis_aligned(pred) - pelvis_aligned(gt)).norm(2, -1) * kMm;
}

at::Tensor pa_per_joint_error(const at::Tensor& pred, const at::Tensor& gt) {
  check_joints(pred, gt);
  const auto p = as_double(pred), g = as_double(gt);
  return (geometry::procrustes_align(p, g) - g).norm(2, -1) * kMm;
}

at::Tensor rot_per_joint_error(const at::Tensor& pred, const at::Tensor& gt) {
  check_joints(pred, gt);
  const auto g = pelvis_aligned(gt);
  return (geometry::procrustes_align(pelvis_aligned(pred), g, geometry::kRotationOnly) - g)
             .norm(2, -1) *
         kMm;
}

at::Tensor mpjpe(const at::Tensor& pred, const at::Tensor& gt) {
  return per_joint_error(pred, gt).mean(1);
}

at::Tensor pa_mpjpe(const at::Tensor& pred, const at::Tensor& gt) {
  return pa_per_joint_error(pred, gt).mean(1);
}

at::Tensor mpjpe_rot(const at::Tensor& pred, const at::Tensor& gt) {
  return rot_per_joint_error(pred, gt).mean(1);
}

at::Tensor pve(const at::Tensor& pred_vertices, const at::Tensor& gt_vertices,
               const at::Tensor& pred_pelvis, const at::Tensor& gt_pelvis) {
  check_vertices(pred_vertices, gt_vertices);
  const int64_t n = pred_vertices.size(0);
  for (const auto* t : {&pred_pelvis, &gt_pelvis})
    if (!t->defined() || t->dim() != 2 || t->size(0) != n || t->size(1) != 3)
      throw Error("pelvis positions must be N x 3")
          .expected(std::to_string(n) + " x 3")
          .found(shape_string(*t));
  const auto p = as_double(pred_vertices) - as_double(pred_pelvis).unsqueeze(1);
  const auto g = as_double(gt_vertices) - as_double(gt_pelvis).unsqueeze(1);
  return (p - g).norm(2, -1).mean(1) * kMm;
}

at::Tensor pve(const at::Tensor& pred_vertices, const at::Tensor& gt_vertices) {
  check_vertices(pred_vertices, gt_vertices);
  return pve(pred_vertices, gt_vertices, pred_vertices.mean(1), gt_vertices.mean(1));
}

at::Tensor acceleration_errors(const at::Tensor& pred, const at::Tensor& gt,
                               const std::vector<int64_t>& sequence_ids) {
  check_joints(pred, gt);
  const int64_t t = pred.size(0);
  if (static_cast<int64_t>(sequence_ids.size()) != t)
    throw Error("one sequence id per frame is needed")
        .expected(std::to_string(t))
        .found(std::to_string(sequence_ids.size()));
  std::vector<int64_t> centres;
  for (int64_t i = 1; i + 1 < t; ++i)
    if (sequence_ids[i - 1] == sequence_ids[i] && sequence_ids[i] == sequence_ids[i + 1])
      centres.push_back(i);
  const auto opts = torch::TensorOptions().dtype(torch::kDouble).device(pred.device());
  if (centres.empty()) return torch::zeros({0}, opts);
  const auto idx =
      torch::tensor(centres, torch::TensorOptions().dtype(torch::kLong)).to(pred.device());
  auto accel = [&](const at::Tensor& x) {
    return x.index_select(0, idx - 1) - 2 * x.index_select(0, idx) + x.index_select(0, idx + 1);
  };
  return (accel(pelvis_aligned(pred)) - accel(pelvis_aligned(gt))).norm(2, -1).mean(1) * kMm;
}

double acceleration_error(const at::Tensor& pred, const at::Tensor& gt,
                          const std::vector<int64_t>& sequence_ids) {
  const auto e = acceleration_errors(pred, gt, sequence_ids);
  return e.numel() ? e.mean().item<double>() : std::numeric_limits<double>::quiet_NaN();
}

MetricSummary summarize(const at::Tensor& pred_joints, const at::Tensor& gt_joints,
                        const std::vector<int64_t>& sequence_ids, const at::Tensor& pred_vertices,
                        const at::Tensor& gt_vertices) {
  check_joints(pred_joints, gt_joints);
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  MetricSummary s;
  s.frames = pred_joints.size(0);
  if (s.frames == 0) {
    s.mpjpe = s.pa_mpjpe = s.pve = s.accel = nan;
    return s;
  }
  s.mpjpe = mpjpe(pred_joints, gt_joints).mean().item<double>();
  s.pa_mpjpe = pa_mpjpe(pred_joints, gt_joints).mean().item<double>();
  s.pve = pred_vertices.defined()
              ? pve(pred_vertices, gt_vertices, pelvis(pred_joints), pelvis(gt_joints))
                    .mean()
                    .item<double>()
              : nan;
  const auto accel = acceleration_errors(pred_joints, gt_joints, sequence_ids);
  s.accel_triples = accel.numel();
  s.accel = s.accel_triples ? accel.mean().item<double>() : nan;
  return s;
}

nlohmann::json to_json(const MetricSummary& s) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  return {{"mpjpe_mm", num(s.mpjpe)}, {"pa_mpjpe_mm", num(s.pa_mpjpe)},
          {"pve_mm", num(s.pve)},     {"accel_mm_per_frame2", num(s.accel)},
          {"frames", s.frames},       {"accel_triples", s.accel_triples}};
}

}  // namespace motioncue::eval
