#include "motioncue/eval/facing.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"
#include "motioncue/eval/metrics.h"

namespace motioncue::eval {

namespace {

// LSP order (FORMATS.md); the hips are metrics.h's kRightHip and kLeftHip.
constexpr int64_t kRightShoulder = 8;
constexpr int64_t kLeftShoulder = 9;
constexpr int64_t kNeck = 12;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_joints(const at::Tensor& joints) {
  if (!joints.defined() || joints.dim() != 3 || joints.size(1) != kEvalJoints ||
      joints.size(2) != 3)
    throw Error("evaluation joints must be N x 14 x 3").found(shape_string(joints));
}

double share(const at::Tensor& flags) {
  return flags.numel() ? flags.to(torch::kDouble).mean().item<double>() : kNaN;
}

}  // namespace

at::Tensor facing_directions(const at::Tensor& joints) {
  check_joints(joints);
  const auto j = joints.to(torch::kDouble);
  const auto joint = [&](int64_t k) { return j.select(1, k); };
  const auto left =
      (joint(kLeftHip) - joint(kRightHip)) + (joint(kLeftShoulder) - joint(kRightShoulder));
  const auto up = joint(kNeck) - 0.5 * (joint(kRightHip) + joint(kLeftHip));
  const auto forward = torch::cross(left, up, 1);
  // A degenerate frame has forward = 0, and 0 / tiny stays 0.
  return forward / forward.norm(2, 1, true).clamp_min(1e-300);
}

at::Tensor facing_away(const at::Tensor& joints) {
  return facing_directions(joints).select(1, 2) > 0;
}

FacingSummary summarize_facing(const at::Tensor& pred, const at::Tensor& gt,
                               const std::vector<int64_t>& sequence_ids) {
  check_joints(pred);
  check_joints(gt);
  if (pred.sizes() != gt.sizes())
    throw Error("predicted and ground-truth joints differ in shape")
        .expected(shape_string(gt))
        .found(shape_string(pred));
  const int64_t n = pred.size(0);
  if (static_cast<int64_t>(sequence_ids.size()) != n)
    throw Error("one sequence id per frame is needed")
        .expected(std::to_string(n))
        .found(std::to_string(sequence_ids.size()));
  FacingSummary s;
  s.frames = n;
  const auto fp = facing_directions(pred), fg = facing_directions(gt);
  s.facing_away = share(fp.select(1, 2) > 0);
  s.facing_away_gt = share(fg.select(1, 2) > 0);
  s.facing_wrong = share((fp * fg).sum(1) < 0);  // more than 90 degrees apart
  s.mpjpe_rot = n ? mpjpe_rot(pred, gt).mean().item<double>() : kNaN;

  std::vector<int64_t> first;  // t of each pair (t, t + 1) within one sequence
  for (int64_t t = 0; t + 1 < n; ++t)
    if (sequence_ids[t] == sequence_ids[t + 1]) first.push_back(t);
  s.pairs = static_cast<int64_t>(first.size());
  s.facing_flips = s.facing_flips_gt = s.facing_turn_deg = kNaN;
  if (first.empty()) return s;
  const auto idx = torch::tensor(first, torch::kLong).to(fp.device());
  const auto turn_cos = [&](const at::Tensor& f) {
    return (f.index_select(0, idx) * f.index_select(0, idx + 1)).sum(1);
  };
  const auto cp = turn_cos(fp);
  s.facing_flips = share(cp < 0);
  s.facing_flips_gt = share(turn_cos(fg) < 0);
  s.facing_turn_deg = (torch::acos(cp.clamp(-1.0, 1.0)).mean() * (180.0 / M_PI)).item<double>();
  return s;
}

nlohmann::json to_json(const FacingSummary& s) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  return {{"facing_away", num(s.facing_away)},
          {"facing_away_gt", num(s.facing_away_gt)},
          {"facing_wrong", num(s.facing_wrong)},
          {"facing_flips", num(s.facing_flips)},
          {"facing_flips_gt", num(s.facing_flips_gt)},
          {"facing_turn_deg", num(s.facing_turn_deg)},
          {"mpjpe_rot_mm", num(s.mpjpe_rot)},
          {"frames", s.frames},
          {"pairs", s.pairs}};
}

FacingSummary facing_from_json(const nlohmann::json& j) {
  const auto num = [&](const char* key) {
    const auto it = j.find(key);
    return it == j.end() || !it->is_number() ? kNaN : it->get<double>();
  };
  const auto count = [&](const char* key) {
    const auto it = j.find(key);
    return it == j.end() || !it->is_number_integer() ? int64_t{0} : it->get<int64_t>();
  };
  FacingSummary s;
  s.facing_away = num("facing_away");
  s.facing_away_gt = num("facing_away_gt");
  s.facing_wrong = num("facing_wrong");
  s.facing_flips = num("facing_flips");
  s.facing_flips_gt = num("facing_flips_gt");
  s.facing_turn_deg = num("facing_turn_deg");
  s.mpjpe_rot = num("mpjpe_rot_mm");
  s.frames = count("frames");
  s.pairs = count("pairs");
  return s;
}

}  // namespace motioncue::eval
