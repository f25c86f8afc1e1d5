#include "motioncue/temporal/context_training.h"

#include <torch/torch.h>

#include <algorithm>
#include <memory>

#include "motioncue/body/body_model.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/core/json_file.h"
#include "motioncue/data/labeled_dataset.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/data/network_input.h"
#include "motioncue/data/pair_sampler.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/distributed/process_group.h"
#include "motioncue/geometry/crop.h"
#include "motioncue/losses/flow_consistency.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/temporal/context_checkpoint.h"

namespace motioncue::temporal {

void validate(const ContextTrainingOptions& o) {
  validate(o.context);
  auto positive = [](bool ok, const char* key, double value) {
    if (!ok)
      throw Error("temporal training setting out of range").key(key).found(std::to_string(value));
  };
  positive(o.steps >= 0, "steps", o.steps);
  positive(o.batch_size >= 1, "batch_size", o.batch_size);
  positive(o.labeled_batch_size >= 1, "labeled_batch_size", o.labeled_batch_size);
  positive(o.lr_context > 0, "lr_context", o.lr_context);
  positive(o.lr_network >= 0, "lr_network", o.lr_network);
  positive(o.w_flow >= 0, "w_flow", o.w_flow);
  positive(o.context_anchor >= 0, "context_anchor", o.context_anchor);
  positive(o.resolution >= 32, "resolution", o.resolution);
}

namespace {
at::Tensor packed(const model::Prediction& p) { return torch::cat({p.pose6d, p.betas, p.cam}, 1); }
}  // namespace

ContextStepTerms context_step(const model::PoseNetwork& network, const ContextNetwork& context,
                              const body::BodyModel& body, const ClipBatch& clip,
                              const data::LabeledBatch* labeled,
                              const ContextTrainingOptions& options) {
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
  const bool train_network = options.lr_network > 0;
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
    auto p = network.forward(labeled->images.to(device));
    const auto keypoints = body.keypoints(p.rotmats, p.betas);
    losses::SupervisedTargets targets;
    const auto m = labeled->pose.size(0);
    targets.rotmats = body::axis_angle_to_matrix(labeled->pose.to(device).view({m, 24, 3}));
    targets.betas = labeled->betas.to(device);
    targets.has_smpl = labeled->has_smpl.to(device);
    targets.keypoints2d = labeled->keypoints2d.to(device);
    targets.keypoints3d = labeled->keypoints3d.to(device);
    auto sup =
        losses::supervised_loss(p.rotmats, p.betas, p.cam, keypoints, targets, options.supervised);
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

std::filesystem::path context_resume_network(const std::filesystem::path& dir) {
  return dir / "last.ckpt";
}
std::filesystem::path context_resume_context(const std::filesystem::path& dir) {
  return dir / "last_context.pt";
}

namespace {

nlohmann::json context_log_json(const ContextTrainingLog& log) {
  return {{"total", log.total},
          {"flow", log.flow},
          {"anchor", log.anchor},
          {"supervised", log.supervised}};
}

// Loads the resume point in `dir` into the network, the context, the optimizer and the CPU
// generator; returns the steps trained, and the log so far in `log`.
int load_context_resume_point(const std::filesystem::path& dir, int steps,
                              model::PoseNetwork& network, ContextNetwork& context,
                              torch::optim::Optimizer& optimizer, ContextTrainingLog& log) {
  const auto file = context_resume_network(dir);
  if (!std::filesystem::exists(file))
    throw Error("nothing to resume: the run has no resume point").file(file.string());
  const auto meta = model::checkpoint_meta(file);
  int step = 0;
  try {
    step = meta.at("step").get<int>();
    const auto& l = meta.at("log");
    l.at("total").get_to(log.total);
    l.at("flow").get_to(log.flow);
    l.at("anchor").get_to(log.anchor);
    l.at("supervised").get_to(log.supervised);
  } catch (const nlohmann::json::exception& e) {
    throw Error("malformed resume state in a checkpoint")
        .file(model::checkpoint_sidecar(file).string())
        .found(e.what());
  }
  if (step >= steps)
    throw Error("the run has already finished all its steps; nothing to resume")
        .file(file.string())
        .found("step " + std::to_string(step) + " of " + std::to_string(steps));
  model::load_weights(file, network);
  const auto saved = load_context(context_resume_context(dir));
  if (json_field_or(saved.meta, "step", std::int64_t{-1},
                    context_resume_context(dir).string() + ".json") != step)
    throw Error("the resume point's context is not of its step")
        .file(context_resume_context(dir).string())
        .expected("step " + std::to_string(step));
  {
    torch::NoGradGuard no_grad;
    // Same config (the run's): the same parameters, in the same order.
    const auto to = context.named_parameters(), from = saved.network.named_parameters();
    if (to.size() != from.size())
      throw Error("the resume point's context does not fit this run")
          .file(context_resume_context(dir).string());
    for (size_t i = 0; i < to.size(); ++i) to[i].second.copy_(from[i].second);
  }
  model::load_optimizer_state(file, optimizer);
  model::restore_rng_state(file);
  return step;
}

}  // namespace

ContextTrainingLog train_context(model::PoseNetwork& network, ContextNetwork& context,
                                 const body::BodyModel& body, const data::VideoDataset& unlabeled,
                                 const data::LabeledDataset* labeled,
                                 const ContextTrainingOptions& options,
                                 const std::function<void(int, const ContextStepTerms&)>& on_step,
                                 const ContextTrainingControl& control) {
  validate(options);
  if ((control.resume || control.stop_after > 0) && control.dir.empty())
    throw Error("stopping or resuming temporal training needs a folder for the resume point");
  if (context.feature_dim() != network.feature_dim())
    throw Error("context network and pose network disagree on the feature size");
  torch::manual_seed(options.seed);
  const bool train_network = options.lr_network > 0;
  if (context.parameter_count() == 0 && !train_network)
    throw Error("nothing to train: no context frames and a frozen image network")
        .key("frames")
        .found("0");
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(context.parameters(),
                      std::make_unique<torch::optim::AdamOptions>(options.lr_context));
  if (train_network)
    groups.emplace_back(network.parameters(),
                        std::make_unique<torch::optim::AdamOptions>(options.lr_network));
  torch::optim::Adam adam(groups, torch::optim::AdamOptions(options.lr_context));
  network.set_train(train_network);
  network.freeze_batchnorm(true);
  // A frozen network's regressor is still in the graph: keep autograd off its parameters.
  std::vector<bool> required;
  for (auto& p : network.parameters()) {
    required.push_back(p.requires_grad());
    if (!train_network) p.requires_grad_(false);
  }
  context.set_train(true);

  ContextTrainingLog log;
  const int first = control.resume ? load_context_resume_point(control.dir, options.steps, network,
                                                               context, adam, log)
                                   : 0;
  data::Shard shard;
  std::vector<at::Tensor> trained = context.parameters();
  if (train_network)
    for (const auto& p : network.parameters()) trained.push_back(p);
  if (control.group) {
    std::vector<at::Tensor> state;
    for (const auto& named :
         {context.named_parameters(), network.named_parameters(), network.named_buffers()})
      for (const auto& [name, t] : named) state.push_back(t.detach());
    control.group->broadcast(state);
    shard = {control.group->rank(), control.group->world_size()};
  }
  const int last = control.stop_after > first && control.stop_after < options.steps
                       ? control.stop_after
                       : options.steps;
  data::PairLoader pairs(unlabeled, options.batch_size, options.resolution, 1,
                         options.flow_estimator, options.flow_cache, false, options.seed,
                         options.workers, -1, -1, first, shard);
  std::unique_ptr<data::LabeledLoader> labeled_loader;
  if (labeled && train_network) {
    std::vector<std::int64_t> indices(static_cast<size_t>(labeled->size()));
    for (size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<std::int64_t>(i);
    labeled_loader = std::make_unique<data::LabeledLoader>(
        *labeled, indices, options.labeled_batch_size, options.resolution, data::Augmentation{},
        options.seed + 1, options.workers, first, shard);
  }
  const int k = context.config().frames;
  for (int step = first; step < last; ++step) {
    auto batch = pairs.next();
    ClipBatch clip;
    clip.context_images =
        load_context_frames(unlabeled, batch.seq, batch.t1, k, options.resolution);
    for (auto t : batch.t1) clip.has_previous.push_back(t > 0);
    clip.images1 = batch.images1;
    clip.images2 = batch.images2;
    clip.flow_fw = batch.flow_fw;
    clip.flow_bw = batch.flow_bw;
    data::LabeledBatch labeled_batch;
    if (labeled_loader) labeled_batch = labeled_loader->next();
    adam.zero_grad();
    auto terms = context_step(network, context, body, clip,
                              labeled_loader ? &labeled_batch : nullptr, options);
    if (terms.total.requires_grad()) terms.total.backward();
    double total = terms.total.item<double>();
    if (control.group) total = control.group->all_reduce_gradients(trained, total);
    adam.step();
    log.total.push_back(total);
    log.flow.push_back(terms.flow);
    log.anchor.push_back(terms.anchor);
    log.supervised.push_back(terms.supervised);
    if (on_step) on_step(step, terms);
  }
  if (last < options.steps) {
    log.finished = false;
  }
  if (last < options.steps && (!control.group || control.group->rank() == 0)) {
    const nlohmann::json meta = {
        {"step", last}, {"body_model_hash", body.hash()}, {"log", context_log_json(log)}};
    save_context(context_resume_context(control.dir), context, meta);
    model::save_checkpoint(context_resume_network(control.dir), network, meta, &adam);
  }
  auto params = network.parameters();
  for (size_t i = 0; i < params.size(); ++i) params[i].requires_grad_(required[i]);
  network.set_train(false);
  context.set_train(false);
  return log;
}

}  // namespace motioncue::temporal
