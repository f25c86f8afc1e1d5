#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include "motioncue/body/body_model.h"
#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/core/seed.h"
#include "motioncue/data/labeled_dataset.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/data/video_dataset.h"
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

namespace motioncue::train {

TrainSummary run_training(const Config& config, const RunDir& run, TrainControl control) {
  const BaselineOptions o = BaselineOptions::from_config(config);
  o.check();
  const OpenedRun opened = open_run(o.run);
  const auto& [device, body, root] = opened;

  const auto labeled = data::LabeledDataset::open(root / "labeled" / "annotations.npz");
  const std::vector<std::int64_t> indices = labeled_subset(o.run.labeled, labeled, o.run.seed);
  write_npy(run / "labeled_indices.npy",
            NpyArray::from_i64({static_cast<std::int64_t>(indices.size())}, indices));

  model::PoseNetwork network(o.model, model::InitialState::upright_default());
  network.to(device);
  network.set_train(true);

  torch::optim::Adam optimizer(network.parameters(), torch::optim::AdamOptions(o.lr));
  NetworkTrainable trainable(network);
  ModelSelector selector(open_validation(o.run.validation, root, body, o.model.resolution, device),
                         run / "best.ckpt");
  const ResumePoint start = start_point(run, control, o.steps, trainable, optimizer, selector);
  const data::Shard shard = join_data_parallel(control, trainable);
  data::Augmentation augment = data::scaled_augmentation(o.augment_strength);
  augment.enabled = o.augment;
  data::LabeledLoader loader(labeled, indices, o.batch_size, o.model.resolution, augment,
                             derive_seed(o.run.seed, "labeled"), o.workers, start.step, shard);

  nlohmann::json meta = {{"kind", "baseline"},
                         {"config", config.to_yaml()},
                         {"labeled_count", indices.size()},
                         {"backbone_weights", model::backbone_weights_origin(o.model)},
                         {"seed", o.run.seed},
                         {"body_model_hash", body.hash()}};
  spdlog::info("training {} on {} labeled images for {} steps on {}", o.model.backbone,
               indices.size(), o.steps, device.str());
  TrainingLoop loop(run, trainable, selector, meta,
                    {o.steps, o.log_every, o.val_every, "train", o.grad_clip, o.lr_schedule,
                     start.step, control.stop_after, control.group});
  for (int step = start.step + 1; step <= loop.last_step(); ++step) {
    const losses::SupervisedTerms terms =
        losses::supervised_forward(network, body, loader.next(), losses::SupervisedWeights{});
    std::map<std::string, double> logged;
    for (const auto& [k, v] : terms.terms) logged[k] = v.item<double>();
    loop.step(step, terms.total, optimizer, logged);
  }
  return loop.end(optimizer);
}

}  // namespace motioncue::train
