#include "motioncue/temporal/context_training.h"

#include <torch/torch.h>

#include <algorithm>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/data/network_input.h"
#include "motioncue/data/pair_sampler.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/geometry/crop.h"
#include "motioncue/losses/flow_consistency.h"
#include "motioncue/losses/labeled_batch_loss.h"
#include "motioncue/model/network.h"

namespace motioncue::temporal {

namespace {
at::Tensor packed(const model::Prediction& p) { return torch::cat({p.pose6d, p.betas, p.cam}, 1); }
}  // namespace

ContextStepTerms context_step(const model::PoseNetwork& network, const ContextNetwork& context,
                              const body::BodyModel& body, const ClipBatch& clip,
                              const data::LabeledBatch* labeled,
                              const ContextLossOptions& options) {
  const auto device = network.device();
  const int k = context.config().frames;
  const int64_t n = clip.images1.size(0);
  if (clip.context_images.dim() != 5 || clip.context_images.size(0) != n ||
      clip.context_images.size(1) != k + 1 || static_cast<int64_t>(clip.has_previous.size()) != n)
    throw Error("clip context frames must be N x (k+1) x 3 x R x R")
        .expected("k = " + std::to_string(k));
  // Context rows: the single-frame network's detached predictions.
  at::Tensor windows1, windows2;
  {
    torch::NoGradGuard no_grad;
    auto flat = clip.context_images.to(device).flatten(0, 1);
    auto rows = context_rows(network.forward(flat)).reshape({n, k + 1, kContextValues});
    windows1 = rows.slice(1, 0, k);
    windows2 = rows.slice(1, 1, k + 1);
  }
  const bool train_network = options.train_network;
  auto features = [&](const at::Tensor& images) {
    if (train_network) return network.features(images.to(device));
    torch::NoGradGuard no_grad;
    return network.features(images.to(device));
  };
  auto f1 = features(clip.images1), f2 = features(clip.images2);
  std::vector<bool> all(static_cast<size_t>(n), true);
  auto p1 = regress_with_context(network, context, f1, windows1, clip.has_previous);
  auto p2 = regress_with_context(network, context, f2, windows2, all);
  auto b1 = body.forward(p1.rotmats, p1.betas), b2 = body.forward(p2.rotmats, p2.betas);
  losses::FlowLossOptions flow_options;
  flow_options.backward = false;  // the forward flow between the last two frames
  flow_options.resolution = options.resolution;
  auto flow = losses::flow_consistency_loss_from_meshes(
      b1.vertices, p1.cam, b2.vertices, p2.cam, body.faces().to(device), clip.flow_fw.to(device),
      clip.flow_bw.to(device), flow_options);
  ContextStepTerms terms;
  terms.total = options.w_flow * flow.loss;
  terms.flow = flow.loss.item<double>();
  terms.pairs_kept = flow.pairs_kept;
  if (options.context_anchor > 0 && k > 0) {
    at::Tensor single1, single2;
    {
      torch::NoGradGuard no_grad;
      single1 = packed(network.regress(f1.detach()));
      single2 = packed(network.regress(f2.detach()));
    }
    auto anchor = ((packed(p1) - single1).pow(2).sum(1).mean() +
                   (packed(p2) - single2).pow(2).sum(1).mean()) *
                  0.5;
    terms.total = terms.total + options.context_anchor * anchor;
    terms.anchor = anchor.item<double>();
  }
  if (labeled && train_network) {
    const auto sup = losses::supervised_forward(network, body, *labeled, options.supervised);
    terms.total = terms.total + sup.total;
    terms.supervised = sup.total.item<double>();
  }
  return terms;
}

at::Tensor load_context_frames(const data::VideoDataset& dataset,
                               const std::vector<std::int64_t>& seq,
                               const std::vector<std::int64_t>& t, int frames, int resolution) {
  std::vector<at::Tensor> clips;
  for (size_t i = 0; i < seq.size(); ++i) {
    std::vector<at::Tensor> images;
    for (int64_t f = t[i] - frames; f <= t[i]; ++f) {
      const int64_t g = std::max<int64_t>(f, 0);
      images.push_back(data::to_network_input(
          geometry::crop_image(dataset.frame(seq[i], g), dataset.box(seq[i], g), resolution)));
    }
    clips.push_back(torch::stack(images));
  }
  return torch::stack(clips);
}

ClipBatch clip_batch(const data::VideoDataset& dataset, const data::PairBatch& pairs, int frames,
                     int resolution) {
  ClipBatch clip;
  clip.context_images = load_context_frames(dataset, pairs.seq, pairs.t1, frames, resolution);
  for (auto t : pairs.t1) clip.has_previous.push_back(t > 0);
  clip.images1 = pairs.images1;
  clip.images2 = pairs.images2;
  clip.flow_fw = pairs.flow_fw;
  clip.flow_bw = pairs.flow_bw;
  return clip;
}

}  // namespace motioncue::temporal
