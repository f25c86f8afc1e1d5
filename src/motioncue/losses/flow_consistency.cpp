#include "motioncue/losses/flow_consistency.h"

#include <torch/torch.h>

#include <utility>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"
#include "motioncue/losses/flow_sampling.h"
#include "motioncue/losses/projected_pair.h"

namespace motioncue::losses {
namespace {

constexpr const char* kFlowConsistency = "flow_consistency_loss";
constexpr double kPi = 3.14159265358979323846;

struct DirectionTerm {
  at::Tensor term;      // scalar
  at::Tensor kept;      // scalar count, no gradient
  at::Tensor disagree;  // scalar count of pairs left out for a root turn, no gradient
};

// Pairs whose vertices can be used at all after non-finite flow entries (rare: an oracle flow's
// occluded points) are masked: those entries are replaced by 0 for sampling, so that neither the
// values nor the gradients pick up NaN, and the vertices whose bilinear neighbourhood touches one
// are masked out: a validity map sampled with border padding is 1 exactly where all neighbours
// are finite. The common all-finite case skips this.
std::pair<at::Tensor, at::Tensor> finite_flow_and_mask(const at::Tensor& from,
                                                       const at::Tensor& mask,
                                                       const at::Tensor& flow) {
  const auto finite = at::isfinite(flow).all(1, /*keepdim=*/true);
  if (finite.all().item<bool>()) return {flow, mask};
  const auto grid_scale = torch::tensor(
      {2.0 / static_cast<double>(flow.size(3)), 2.0 / static_cast<double>(flow.size(2))},
      from.options().requires_grad(false));
  const auto validity_grid = (from.detach() * grid_scale - 1.0).unsqueeze(2);
  const auto validity =
      at::grid_sampler(finite.to(from.scalar_type()), validity_grid, 0, /*border*/ 1, false)
          .squeeze(3)
          .squeeze(1);  // N x V
  return {at::nan_to_num(flow, 0.0, 0.0, 0.0),
          mask * (validity > 1.0 - 1e-4).to(mask.scalar_type())};
}

// One direction: the mesh flow `to - from` against `flow` sampled at `from`.
DirectionTerm direction_term(const at::Tensor& from, const at::Tensor& to,
                             const at::Tensor& mask_in, const at::Tensor& flow_in,
                             const FlowLossOptions& options, const PairPredictions& predictions,
                             double px_per_224) {
  const auto [flow, m] = finite_flow_and_mask(from, mask_in, flow_in);
  const bool robust = options.form == FlowLossForm::robust;
  const auto sampled = sample_flow(flow, from);              // N x V x 2
  auto squared_error = (to - from - sampled).pow(2).sum(2);  // N x V
  if (robust && predictions.scale1.defined() && predictions.scale2.defined())
    // In units of the predicted body size before the cap: a cap in pixels would let a larger
    // body lower the capped share of its error (measured: a 10 % larger body scored 14 % lower
    // under per-frame noise). Clamped: a degenerate near-zero (or negative) scale must not blow
    // the term up.
    squared_error =
        squared_error /
        (0.5 * (predictions.scale1 + predictions.scale2)).clamp_min(0.05).pow(2).unsqueeze(1);
  if (robust) {
    const double cap = options.truncate_px_at_224 * px_per_224;
    squared_error = squared_error.clamp_max(cap * cap);
  }
  const auto count = m.sum(1);                                     // N
  auto error = (m * squared_error).sum(1) / count.clamp_min(1.0);  // N
  auto keep = count > 0;

  const int64_t num_vertices = from.size(1);
  const auto norm = sampled.detach().pow(2).sum(2).sqrt() * m;  // N x V, 0 where not usable
  if (options.threshold && num_vertices > 0)
    keep = keep & (std::get<0>(norm.max(1)) < options.threshold_px_at_224 * px_per_224);
  const auto mean_norm = norm.sum(1) / count.clamp_min(1.0);  // N, constant

  auto disagree = torch::zeros({}, keep.options().dtype(error.scalar_type()));
  if (!robust) {
    if (options.normalize) error = error / mean_norm.pow(2).clamp_min(options.normalizer_floor_px2);
    const auto keep_f = keep.to(error.scalar_type());
    const auto kept = keep_f.sum();
    return {(error * keep_f).sum() / kept.clamp_min(1.0), kept, disagree};
  }

  if (predictions.root_turn_deg.defined()) {
    const auto agrees = predictions.root_turn_deg.to(error.device()) <= options.max_root_turn_deg;
    disagree = (keep & ~agrees).to(error.scalar_type()).sum();
    keep = keep & agrees;
  }
  const auto keep_f = keep.to(error.scalar_type());
  const auto kept = keep_f.sum();
  auto term = (error * keep_f).sum() / kept.clamp_min(1.0);
  if (options.normalize) {
    const double floor = options.batch_floor_px_at_224 * px_per_224;
    const auto batch_norm = (mean_norm.pow(2) * keep_f).sum() / kept.clamp_min(1.0);
    term = term / batch_norm.clamp_min(floor * floor);
  }
  return {term, kept, disagree};
}

}  // namespace

FlowLossTerms flow_consistency_loss(const at::Tensor& p1, const at::Tensor& p2,
                                    const at::Tensor& both_visible, const at::Tensor& flow_fw,
                                    const at::Tensor& flow_bw, const FlowLossOptions& options,
                                    const PairPredictions& predictions) {
  check_shape(p1, {-1, -1, 2}, kFlowConsistency, "p1");
  const int64_t n = p1.size(0), v = p1.size(1);
  check_shape(p2, {n, v, 2}, kFlowConsistency, "p2");
  check_shape(both_visible, {n, v}, kFlowConsistency, "both_visible");
  check_shape(flow_fw, {n, 2, -1, -1}, kFlowConsistency, "flow_fw");
  check_floating(p1, kFlowConsistency, "p1");
  check_floating(p2, kFlowConsistency, "p2");
  check_floating(flow_fw, kFlowConsistency, "flow_fw");
  if (options.resolution <= 0)
    throw Error(std::string(kFlowConsistency) + ": resolution must be positive")
        .key("resolution")
        .found(std::to_string(options.resolution));
  const int64_t r = options.resolution;
  if (flow_fw.size(2) != r || flow_fw.size(3) != r)
    throw Error(std::string(kFlowConsistency) + ": the flow does not match the crop resolution")
        .key("flow_fw")
        .expected("N x 2 x " + std::to_string(r) + " x " + std::to_string(r))
        .found(shape_string(flow_fw));
  if (options.backward) {
    check_shape(flow_bw, {n, 2, r, r}, kFlowConsistency, "flow_bw");
    check_floating(flow_bw, kFlowConsistency, "flow_bw");
  }
  if (p2.scalar_type() != p1.scalar_type())
    throw Error(std::string(kFlowConsistency) + ": p1 and p2 have different dtypes")
        .found(std::string(c10::toString(p1.scalar_type())) + " and " +
               c10::toString(p2.scalar_type()));

  const auto mask = (both_visible != 0).to(p1.scalar_type());
  const double px_per_224 = static_cast<double>(r) / 224.0;
  for (const auto* t : {&predictions.scale1, &predictions.scale2, &predictions.root_turn_deg})
    if (t->defined()) check_shape(*t, {n}, kFlowConsistency, "pair predictions");

  FlowLossTerms out;
  const auto fw = direction_term(p1, p2, mask, flow_fw, options, predictions, px_per_224);
  out.forward_term = fw.term;
  at::Tensor kept = fw.kept;
  at::Tensor disagree = fw.disagree;
  if (options.backward) {
    const auto bw = direction_term(p2, p1, mask, flow_bw, options, predictions, px_per_224);
    out.backward_term = bw.term;
    out.loss = 0.5 * (fw.term + bw.term);
    kept = kept + bw.kept;
    disagree = disagree + bw.disagree;
  } else {
    out.backward_term = torch::zeros({}, p1.options().requires_grad(false));
    out.loss = fw.term;
  }
  out.pairs_total = n * (options.backward ? 2 : 1);

  // One device-to-host copy for all the statistics.
  const auto visible_fraction =
      v > 0 ? mask.mean(1).mean() : torch::zeros({}, p1.options().requires_grad(false));
  const auto stats = torch::stack({kept.detach().to(torch::kFloat64),
                                   visible_fraction.detach().to(torch::kFloat64),
                                   disagree.detach().to(torch::kFloat64)})
                         .cpu();
  const auto* s = stats.data_ptr<double>();
  out.pairs_kept = static_cast<int64_t>(s[0] + 0.5);
  out.mean_visible_fraction = n > 0 ? s[1] : 0.0;
  out.pairs_disagreeing = static_cast<int64_t>(s[2] + 0.5);
  return out;
}

FlowLossTerms flow_consistency_loss_from_meshes(const at::Tensor& verts1, const at::Tensor& cam1,
                                                const at::Tensor& verts2, const at::Tensor& cam2,
                                                const at::Tensor& faces, const at::Tensor& flow_fw,
                                                const at::Tensor& flow_bw,
                                                const FlowLossOptions& options) {
  const auto pair = project_pair(verts1, cam1, verts2, cam2, faces, options.resolution);
  PairPredictions predictions;
  predictions.scale1 = cam1.select(1, 0);
  predictions.scale2 = cam2.select(1, 0);
  return flow_consistency_loss(pair.p1, pair.p2, pair.both_visible, flow_fw, flow_bw, options,
                               predictions);
}

FlowLossForm parse_flow_loss_form(const std::string& name, const std::string& key) {
  if (name == "authors") return FlowLossForm::authors;
  if (name == "robust") return FlowLossForm::robust;
  throw Error("unknown flow loss form").key(key).expected("authors or robust").found(name);
}

const char* flow_loss_form_name(FlowLossForm form) {
  return form == FlowLossForm::robust ? "robust" : "authors";
}

at::Tensor rotation_angle_deg(const at::Tensor& root1, const at::Tensor& root2) {
  check_shape(root1, {-1, 3, 3}, "rotation_angle_deg", "root1");
  check_shape(root2, {root1.size(0), 3, 3}, "rotation_angle_deg", "root2");
  torch::NoGradGuard no_grad;
  const auto relative = torch::matmul(root1.transpose(1, 2), root2);
  const auto cosine = (relative.diagonal(0, 1, 2).sum(1) - 1.0) * 0.5;
  return torch::acos(cosine.clamp(-1.0, 1.0)) * (180.0 / kPi);
}

}  // namespace motioncue::losses
