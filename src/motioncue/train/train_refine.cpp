#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include "motioncue/body/body_model.h"
#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/core/seed.h"
#include "motioncue/data/labeled_dataset.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/data/pair_sampler.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/losses/flow_consistency.h"
#include "motioncue/losses/labeled_batch_loss.h"
#include "motioncue/losses/supervised.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/train/data_parallel.h"
#include "motioncue/train/model_selection.h"
#include "motioncue/train/options.h"
#include "motioncue/train/run_setup.h"
#include "motioncue/train/trainable.h"
#include "motioncue/train/trainers.h"
#include "motioncue/train/training_loop.h"
#include "motioncue/train/unlabeled_step.h"

namespace motioncue::train {

TrainSummary run_refinement(const Config& config, const RunDir& run, TrainControl control) {
  const RefineOptions o = RefineOptions::from_config(config);
  o.check();
  const OpenedRun opened = open_run(o.run);
  const auto& [device, body, root] = opened;
  if (o.init.empty()) throw Error("no network to refine").key("init").expected("a checkpoint");

  model::LoadedCheckpoint loaded = model::load_checkpoint(o.init, body.hash());
  model::PoseNetwork& network = *loaded.network;
  network.to(device);
  const int resolution = network.config().resolution;

  // The anchor: the same labeled images the baseline was trained on (same count, same seed).
  const auto labeled = data::LabeledDataset::open(root / "labeled" / "annotations.npz");
  const std::uint64_t subset_seed =
      o.run.labeled.seed >= 0
          ? static_cast<std::uint64_t>(o.run.labeled.seed)
          : json_field_or(loaded.meta, "seed", std::uint64_t{0}, o.init + ".json");
  const std::vector<std::int64_t> indices =
      labeled_subset(o.run.labeled, labeled, subset_seed, /*supervised=*/o.w_frame > 0);
  write_npy(run / "labeled_indices.npy",
            NpyArray::from_i64({static_cast<std::int64_t>(indices.size())}, indices));
  ModelSelector selector(open_validation(o.run.validation, root, body, resolution, device),
                         run / "best.ckpt");

  const UnlabeledWeights uw{o.w_flow, o.w_texture, o.w_keypoints};
  const bool use_pairs = o.uses_pairs();
  if (o.w_frame <= 0 && !use_pairs)
    throw Error("nothing to optimise: every loss weight is 0").key("refine");
  losses::FlowLossOptions flow_loss = o.flow_loss;
  flow_loss.resolution = o.flow_resolution > 0 ? o.flow_resolution : resolution;

  // docs/METHOD.md section 5: BatchNorm statistics frozen and dropout off (switchable for
  // ablations).
  network.set_train(true);
  network.freeze_batchnorm(o.freeze_bn);
  network.set_dropout(o.dropout);
  torch::optim::Adam optimizer(network.parameters(), torch::optim::AdamOptions(o.lr).betas(
                                                         std::make_tuple(o.adam_beta1, 0.999)));
  NetworkTrainable trainable(network);

  const ResumePoint start = start_point(run, control, o.steps, trainable, optimizer, selector);
  const data::Shard shard = join_data_parallel(control, trainable);

  data::Augmentation augment;
  augment.enabled = o.augment;
  data::LabeledLoader labeled_loader(labeled, indices, o.batch_size, resolution, augment,
                                     derive_seed(o.run.seed, "labeled"), o.workers, start.step,
                                     shard);
  std::unique_ptr<data::VideoDataset> unlabeled;
  std::unique_ptr<data::PairLoader> pair_loader;
  if (use_pairs) {
    unlabeled =
        std::make_unique<data::VideoDataset>(data::VideoDataset::open(root / o.unlabeled_split));
    if (o.w_keypoints > 0) unlabeled->use_detected_keypoints(o.keypoints);
    pair_loader = std::make_unique<data::PairLoader>(
        *unlabeled, o.pair_batch, resolution, o.gap, o.flow, flow_cache_dir(o.flow_cache, root),
        o.color_gains, derive_seed(o.run.seed, "pairs"), o.workers, o.unlabeled_sequences,
        flow_loss.resolution, start.step, shard);
    if (o.w_keypoints > 0 && !unlabeled->has_detected_keypoints())
      throw Error("the 2D keypoint term needs detector keypoints on the unlabeled frames")
          .file((root / o.unlabeled_split).string())
          .key("refine.w_keypoints")
          .expected("keypoints2d_detected in the sequences' annotations.npz");
    spdlog::info("{} unlabeled pairs from '{}' (flow: {} at {} px, loss: {})",
                 pair_loader->num_pairs(), o.unlabeled_split, o.flow, flow_loss.resolution,
                 losses::flow_loss_form_name(flow_loss.form));
  }

  nlohmann::json meta = loaded.meta;
  meta["kind"] = "refined";
  meta["init"] = o.init;
  meta["refine_config"] = config.to_yaml();
  TrainingLoop loop(run, trainable, selector, meta,
                    {o.steps, o.log_every, o.val_every, "refine", o.grad_clip, "constant",
                     start.step, control.stop_after, control.group});
  // Step 0 takes part in model selection: a refinement must beat its start (a resumed run has
  // it in its restored best-so-far).
  if (start.step == 0) loop.validate(0);
  for (int step = start.step + 1; step <= loop.last_step(); ++step) {
    at::Tensor total;
    std::map<std::string, double> logged;
    if (o.w_frame > 0) {
      const losses::SupervisedTerms sup = losses::supervised_forward(
          network, body, labeled_loader.next(), losses::SupervisedWeights{});
      total = o.w_frame * sup.total;
      logged["supervised"] = sup.total.item<double>();
      for (const auto& [k, v] : sup.terms) logged[k] = v.item<double>();
    }
    if (use_pairs) {
      const UnlabeledTerms u = unlabeled_forward(network, body, pair_loader->next(), uw, flow_loss);
      total = total.defined() ? total + u.total : u.total;
      logged.insert(u.logged.begin(), u.logged.end());
    }
    loop.step(step, total, optimizer, logged);
  }
  return loop.end(optimizer);
}

}  // namespace motioncue::train
