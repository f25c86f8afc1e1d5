#include "motioncue/train/unlabeled_step.h"

#include <torch/torch.h>

#include "motioncue/body/body_model.h"
#include "motioncue/data/pair_sampler.h"
#include "motioncue/losses/flow_consistency.h"
#include "motioncue/losses/keypoints.h"
#include "motioncue/losses/projected_pair.h"
#include "motioncue/losses/texture_consistency.h"
#include "motioncue/model/network.h"
#include "motioncue/train/batch_forward.h"

namespace motioncue::train {

UnlabeledTerms unlabeled_forward(const model::PoseNetwork& network, const body::BodyModel& body,
                                 const data::PairBatch& pairs, const UnlabeledWeights& weights,
                                 const losses::FlowLossOptions& flow_loss) {
  const auto device = network.device();
  const int64_t n = pairs.images1.size(0);
  // One pass over both frames: with BatchNorm frozen the batch composition does not matter.
  const BodyPrediction pred =
      predict_bodies(network, body, torch::cat({pairs.images1, pairs.images2}).to(device));
  const losses::ProjectedPair pp = losses::project_pair(
      pred.vertices.slice(0, 0, n), pred.cam.slice(0, 0, n), pred.vertices.slice(0, n, 2 * n),
      pred.cam.slice(0, n, 2 * n), body.faces(), flow_loss.resolution);
  const at::Tensor& p1 = pp.p1;
  const at::Tensor& p2 = pp.p2;
  const at::Tensor& both = pp.both_visible;

  UnlabeledTerms out;
  out.total = torch::zeros({}, p1.options());
  if (weights.flow > 0) {
    losses::PairPredictions pp_pred;
    pp_pred.scale1 = pred.cam.slice(0, 0, n).select(1, 0);
    pp_pred.scale2 = pred.cam.slice(0, n, 2 * n).select(1, 0);
    const at::Tensor roots = pred.rotmats.select(1, 0);  // 2N x 3 x 3: the global orientation
    pp_pred.root_turn_deg =
        losses::rotation_angle_deg(roots.slice(0, 0, n), roots.slice(0, n, 2 * n));
    const losses::FlowLossTerms f = losses::flow_consistency_loss(
        p1, p2, both, pairs.flow_fw.to(device), pairs.flow_bw.to(device), flow_loss, pp_pred);
    out.total = out.total + weights.flow * f.loss;
    out.logged["flow"] = f.loss.item<double>();
    out.logged["flow_pairs_kept"] =
        f.pairs_total > 0 ? static_cast<double>(f.pairs_kept) / f.pairs_total : 0.0;
    out.logged["visible_fraction"] = f.mean_visible_fraction;
    out.logged["flow_pairs_disagreeing"] =
        f.pairs_total > 0 ? static_cast<double>(f.pairs_disagreeing) / f.pairs_total : 0.0;
    // Logged whatever the form: how often the two predictions of a pair turn by > 90 degrees.
    out.logged["pair_root_flips"] =
        (pp_pred.root_turn_deg > 90.0).to(torch::kFloat64).mean().item<double>();
  }
  if (weights.texture > 0) {
    const losses::TextureLossTerms t = losses::texture_consistency_loss(
        pairs.clean1.to(device), pairs.clean2.to(device), p1, p2, both);
    out.total = out.total + weights.texture * t.loss;
    out.logged["texture"] = t.loss.item<double>();
  }
  if (weights.keypoints > 0 && pairs.keypoints1.defined()) {
    const at::Tensor kp = pred.keypoints;
    const at::Tensor cam = pred.cam;
    const at::Tensor projected = losses::project_normalized(kp, cam);
    const at::Tensor k1 =
        losses::keypoints_2d_loss(projected.slice(0, 0, n), pairs.keypoints1.to(device));
    const at::Tensor k2 =
        losses::keypoints_2d_loss(projected.slice(0, n, 2 * n), pairs.keypoints2.to(device));
    const at::Tensor k = 0.5 * (k1 + k2);
    out.total = out.total + weights.keypoints * k;
    out.logged["keypoints"] = k.item<double>();
  }
  return out;
}

}  // namespace motioncue::train
