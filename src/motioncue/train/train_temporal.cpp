#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "motioncue/body/body_model.h"
#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/core/seed.h"
#include "motioncue/data/labeled_dataset.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/data/pair_sampler.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/temporal/context_checkpoint.h"
#include "motioncue/temporal/context_model.h"
#include "motioncue/temporal/context_training.h"
#include "motioncue/temporal/streaming.h"
#include "motioncue/train/data_parallel.h"
#include "motioncue/train/model_selection.h"
#include "motioncue/train/options.h"
#include "motioncue/train/run_setup.h"
#include "motioncue/train/trainable.h"
#include "motioncue/train/trainers.h"
#include "motioncue/train/training_loop.h"

namespace motioncue::train {

std::filesystem::path context_checkpoint_of(const std::filesystem::path& network_checkpoint) {
  return network_checkpoint.parent_path() / (network_checkpoint.stem().string() + "_context.pt");
}

namespace {

// The image network with its temporal context. A frozen image network (lr_network = 0) stays in
// inference mode and outside the optimizer; it is still saved with every checkpoint, so that a
// context checkpoint always has the network whose features it modulates beside it.
class ContextTrainable final : public Trainable {
 public:
  ContextTrainable(model::PoseNetwork& network, temporal::ContextNetwork& context,
                   bool train_network)
      : network_(network), context_(context), train_network_(train_network) {}

  std::vector<at::Tensor> parameters() const override {
    std::vector<at::Tensor> out = context_.parameters();
    if (train_network_)
      for (const auto& p : network_.parameters()) out.push_back(p);
    return out;
  }
  std::vector<at::Tensor> state() const override {
    std::vector<at::Tensor> out;
    for (const auto& [name, t] : context_.named_parameters()) out.push_back(t.detach());
    for (const auto& t : network_state(network_)) out.push_back(t);
    return out;
  }
  bool is_training() const override { return training_; }
  void set_train(bool train) override {
    training_ = train;
    context_.set_train(train);
    network_.set_train(train && train_network_);
  }
  const model::PoseNetwork& network() const override { return network_; }
  eval::Predictor predictor() const override {
    return temporal::context_predictor(network_, context_);
  }
  void save(const std::filesystem::path& file, const nlohmann::json& meta,
            torch::optim::Optimizer* optimizer) const override {
    temporal::save_context(context_checkpoint_of(file), context_, meta);
    model::save_checkpoint(file, network_, meta, optimizer);
  }
  void load(const std::filesystem::path& file) override {
    const auto context_file = context_checkpoint_of(file);
    const auto saved = temporal::load_context(context_file);
    const auto step = json_field_or(model::checkpoint_meta(file), "step", std::int64_t{-1},
                                    model::checkpoint_sidecar(file).string());
    if (json_field_or(saved.meta, "step", std::int64_t{-2}, context_file.string() + ".json") !=
        step)
      throw Error("the context checkpoint is not of its network checkpoint's step")
          .file(context_file.string())
          .expected("step " + std::to_string(step));
    const auto to = context_.named_parameters(), from = saved.network.named_parameters();
    if (to.size() != from.size() || saved.network.feature_dim() != context_.feature_dim())
      throw Error("the context checkpoint does not fit this run").file(context_file.string());
    model::load_weights(file, network_);
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < to.size(); ++i) {
      if (!to[i].second.sizes().equals(from[i].second.sizes()))
        throw Error("the context checkpoint does not fit this run")
            .file(context_file.string())
            .key(to[i].first);
      to[i].second.copy_(from[i].second);
    }
  }

 private:
  model::PoseNetwork& network_;
  temporal::ContextNetwork& context_;
  bool train_network_;
  bool training_ = true;
};

// Restores the image network's requires_grad flags when the run ends, however it ends: a frozen
// network's regressor is in the loss's graph, so its gradients are off during the run.
class FrozenGradients {
 public:
  FrozenGradients(const model::PoseNetwork& network, bool freeze) : params_(network.parameters()) {
    for (auto& p : params_) {
      required_.push_back(p.requires_grad());
      if (freeze) p.requires_grad_(false);
    }
  }
  ~FrozenGradients() {
    for (size_t i = 0; i < params_.size(); ++i) params_[i].requires_grad_(required_[i]);
  }
  FrozenGradients(const FrozenGradients&) = delete;
  FrozenGradients& operator=(const FrozenGradients&) = delete;

 private:
  std::vector<at::Tensor> params_;
  std::vector<bool> required_;
};

}  // namespace

TrainSummary run_temporal_training(const Config& config, const RunDir& run, TrainControl control) {
  TemporalOptions o = TemporalOptions::from_config(config);
  o.check();
  const OpenedRun opened = open_run(o.run);
  const auto& [device, body, root] = opened;
  if (o.init.empty()) throw Error("no image network to train a context for").key("init");

  model::LoadedCheckpoint loaded = model::load_checkpoint(o.init, body.hash());
  model::PoseNetwork& network = *loaded.network;
  network.to(device);
  const int resolution = network.config().resolution;
  o.loss.resolution = resolution;
  o.loss.train_network = o.lr_network > 0;
  const bool train_network = o.loss.train_network;

  // The context's initial weights come from LibTorch's default generator; loading the
  // checkpoint drew from it, so it is seeded again (as before the checkpoint) for them.
  seed_everything(o.run.seed);
  temporal::ContextNetwork context(o.context, network.feature_dim());
  context.to(device);
  if (context.parameter_count() == 0 && !train_network)
    throw Error("nothing to train: no context frames and a frozen image network")
        .key("temporal.frames")
        .found("0");
  torch::manual_seed(o.run.seed);

  const auto unlabeled = data::VideoDataset::open(root / o.unlabeled_split);
  std::optional<data::LabeledDataset> labeled;
  std::vector<std::int64_t> indices;
  if (train_network) {
    labeled.emplace(data::LabeledDataset::open(root / "labeled" / "annotations.npz"));
    indices = labeled_subset(o.run.labeled, *labeled, o.run.seed);
  }
  ModelSelector selector(open_validation(o.run.validation, root, body, resolution, device),
                         run / "best.ckpt");

  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(context.parameters(),
                      std::make_unique<torch::optim::AdamOptions>(o.lr_context));
  if (train_network)
    groups.emplace_back(network.parameters(),
                        std::make_unique<torch::optim::AdamOptions>(o.lr_network));
  torch::optim::Adam optimizer(groups, torch::optim::AdamOptions(o.lr_context));
  network.freeze_batchnorm(true);
  const FrozenGradients frozen(network, !train_network);
  ContextTrainable trainable(network, context, train_network);
  trainable.set_train(true);

  const ResumePoint start = start_point(run, control, o.steps, trainable, optimizer, selector);
  const data::Shard shard = join_data_parallel(control, trainable);
  data::PairLoader pairs(unlabeled, o.batch_size, resolution, 1, o.flow,
                         flow_cache_dir(o.flow_cache, root), false, o.run.seed, o.workers, -1, -1,
                         start.step, shard);
  std::unique_ptr<data::LabeledLoader> labeled_loader;
  if (labeled)
    labeled_loader = std::make_unique<data::LabeledLoader>(
        *labeled, indices, o.labeled_batch_size, resolution, data::Augmentation{}, o.run.seed + 1,
        o.workers, start.step, shard);
  spdlog::info("training a {}-frame temporal context on {} unlabeled pairs (flow: {}){}",
               o.context.frames, pairs.num_pairs(), o.flow,
               train_network ? " with the image network" : "");

  nlohmann::json meta = {{"kind", "temporal"},
                         {"init", o.init},
                         {"temporal_config", config.to_yaml()},
                         {"seed", o.run.seed},
                         {"body_model_hash", body.hash()}};
  TrainingLoop loop(run, trainable, selector, meta,
                    {o.steps, o.log_every, o.val_every, "temporal train", o.grad_clip, "constant",
                     start.step, control.stop_after, control.group});
  if (start.step == 0) loop.validate(0);  // the untrained context: the single-frame network
  const int k = o.context.frames;
  for (int step = start.step + 1; step <= loop.last_step(); ++step) {
    const temporal::ClipBatch clip = temporal::clip_batch(unlabeled, pairs.next(), k, resolution);
    data::LabeledBatch labeled_batch;
    if (labeled_loader) labeled_batch = labeled_loader->next();
    const temporal::ContextStepTerms terms = temporal::context_step(
        network, context, body, clip, labeled_loader ? &labeled_batch : nullptr, o.loss);
    loop.step(step, terms.total, optimizer,
              {{"flow", terms.flow},
               {"anchor", terms.anchor},
               {"supervised", terms.supervised},
               {"pairs_kept", static_cast<double>(terms.pairs_kept)}});
  }
  TrainSummary summary = loop.end(optimizer);
  trainable.set_train(false);
  return summary;
}

}  // namespace motioncue::train
