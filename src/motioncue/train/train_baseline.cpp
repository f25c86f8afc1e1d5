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
#include "motioncue/losses/supervised.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/train/batch_forward.h"
#include "motioncue/train/data_parallel.h"
#include "motioncue/train/model_selection.h"
#include "motioncue/train/run_setup.h"
#include "motioncue/train/settings_check.h"
#include "motioncue/train/trainers.h"
#include "motioncue/train/training_loop.h"

namespace motioncue::train {

TrainSummary run_training(const Config& config, const RunDir& run, TrainControl control) {
  check_training_settings(config);
  const auto seed = config.get<std::uint64_t>("seed");
  seed_everything(seed);
  const c10::Device device = resolve_device(config.get<std::string>("device"));
  const body::BodyModel body = load_body_model(config, device);
  const auto root = data_root(config);

  const auto labeled = data::LabeledDataset::open(root / "labeled" / "annotations.npz");
  const std::vector<std::int64_t> indices = labeled_subset(config, labeled, seed);
  write_npy(run / "labeled_indices.npy",
            NpyArray::from_i64({static_cast<std::int64_t>(indices.size())}, indices));

  model::NetworkConfig net_config;
  net_config.backbone = config.get<std::string>("model.backbone");
  net_config.resolution = config.get<int>("model.resolution");
  net_config.frozen_blocks = config.get<int>("model.frozen_blocks");
  net_config.from_scratch = config.get<bool>("model.from_scratch");
  model::PoseNetwork network(net_config, model::InitialState::upright_default());
  network.to(device);
  network.set_train(true);

  const int steps = config.get<int>("train.steps");
  const double lr = config.get<double>("train.lr");
  torch::optim::Adam optimizer(network.parameters(), torch::optim::AdamOptions(lr));
  ModelSelector selector(open_validation(config, root, body, net_config.resolution, device),
                         run / "best.ckpt");
  const ResumePoint start = start_point(run, control, steps, network, optimizer, selector);
  const data::Shard shard = join_data_parallel(control, network);
  data::Augmentation augment =
      data::scaled_augmentation(config.get<double>("train.augment_strength"));
  augment.enabled = config.get<bool>("train.augment");
  data::LabeledLoader loader(labeled, indices, config.get<int>("train.batch_size"),
                             net_config.resolution, augment, derive_seed(seed, "labeled"),
                             config.get<int>("train.workers"), start.step, shard);

  nlohmann::json meta = {{"kind", "baseline"},
                         {"config", config.to_yaml()},
                         {"labeled_count", indices.size()},
                         {"backbone_weights", model::backbone_weights_origin(net_config)},
                         {"seed", seed},
                         {"body_model_hash", body.hash()}};
  spdlog::info("training {} on {} labeled images for {} steps on {}", net_config.backbone,
               indices.size(), steps, device.str());
  TrainingLoop loop(
      run, network, selector, meta,
      {steps, config.get<int>("train.log_every"), config.get<int>("train.val_every"), "train",
       config.get<double>("train.grad_clip"), config.get<std::string>("train.lr_schedule"),
       start.step, control.stop_after, control.group});
  for (int step = start.step + 1; step <= loop.last_step(); ++step) {
    const losses::SupervisedTerms terms =
        supervised_forward(network, body, loader.next(), losses::SupervisedWeights{});
    std::map<std::string, double> logged;
    for (const auto& [k, v] : terms.terms) logged[k] = v.item<double>();
    loop.step(step, terms.total, optimizer, logged);
  }
  return loop.end(optimizer);
}

}  // namespace motioncue::train
