#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>

#include "motioncue/body/body_model.h"
#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/progress.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/core/seed.h"
#include "motioncue/data/labeled_dataset.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/losses/supervised.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/train/batch_forward.h"
#include "motioncue/train/curve_log.h"
#include "motioncue/train/model_selection.h"
#include "motioncue/train/run_setup.h"
#include "motioncue/train/summary.h"
#include "motioncue/train/trainers.h"

namespace motioncue::train {

TrainSummary run_training(const Config& config, const RunDir& run) {
  const auto start = std::chrono::steady_clock::now();
  const auto seed = config.get<std::uint64_t>("seed");
  seed_everything(seed);
  const c10::Device device = resolve_device(config.get<std::string>("device"));
  const body::BodyModel body = load_body_model(config.get<std::string>("body_model"), device);
  const auto root = data_root(config);

  const auto labeled = data::LabeledDataset::open(root / "labeled" / "annotations.npz");
  const auto count = config.get<std::int64_t>("labeled.count");
  const std::vector<std::int64_t> indices =
      labeled.subset(count < 0 ? labeled.size() : count, seed);
  write_npy(run / "labeled_indices.npy",
            NpyArray::from_i64({static_cast<std::int64_t>(indices.size())}, indices));
  const auto val = data::VideoDataset::open(root / "val");

  model::NetworkConfig net_config;
  net_config.backbone = config.get<std::string>("model.backbone");
  net_config.resolution = config.get<int>("model.resolution");
  model::PoseNetwork network(net_config, model::InitialState::upright_default());
  network.to(device);
  network.set_train(true);

  const int steps = config.get<int>("train.steps");
  torch::optim::Adam optimizer(network.parameters(),
                               torch::optim::AdamOptions(config.get<double>("train.lr")));
  data::Augmentation augment;
  augment.enabled = config.get<bool>("train.augment");
  data::LabeledLoader loader(labeled, indices, config.get<int>("train.batch_size"),
                             net_config.resolution, augment, derive_seed(seed, "labeled"),
                             config.get<int>("train.workers"));

  nlohmann::json meta = {{"kind", "baseline"},
                         {"config", config.to_yaml()},
                         {"labeled_count", indices.size()},
                         {"seed", seed},
                         {"body_model_hash", body.hash()}};
  ModelSelector selector(val, body, net_config.resolution, run / "best.ckpt");
  CurveLog curves(run / "curves.csv");
  const int val_every = config.get<int>("train.val_every");
  const int log_every = config.get<int>("train.log_every");
  spdlog::info("training {} on {} labeled images for {} steps on {}", net_config.backbone,
               indices.size(), steps, device.str());

  Progress progress("train", steps, "step");
  std::map<std::string, double> running;
  for (int step = 1; step <= steps; ++step) {
    const data::LabeledBatch batch = loader.next();
    const losses::SupervisedTerms terms =
        supervised_forward(network, body, batch, losses::SupervisedWeights{});
    const double loss = terms.total.item<double>();
    if (!std::isfinite(loss))
      throw Error("training diverged: the loss is not finite at step " + std::to_string(step))
          .found(std::to_string(loss));
    optimizer.zero_grad();
    terms.total.backward();
    optimizer.step();
    running["loss"] += loss;
    for (const auto& [k, v] : terms.terms) running[k] += v.item<double>();
    progress.advance();
    if (step % log_every == 0 || step == steps) {
      const int n = step % log_every == 0 ? log_every : step % log_every;
      for (auto& [k, v] : running) v /= n;
      progress.set_status(fmt::format("loss {:.3f}", running["loss"]));
      curves.add(step, running);
      running.clear();
    }
    if (step % val_every == 0 || step == steps) {
      const ValidationPoint p = selector.validate(network, step, meta);
      curves.add(step, {{"val_pa_mpjpe", p.pa_mpjpe}, {"val_mpjpe", p.mpjpe}});
      curves.flush();
    }
  }
  progress.finish();
  meta["step"] = steps;
  model::save_checkpoint(run / "last.ckpt", network, meta, &optimizer);

  TrainSummary s;
  s.best_checkpoint = run / "best.ckpt";
  s.last_checkpoint = run / "last.ckpt";
  s.best_val_pa_mpjpe = selector.best_pa_mpjpe();
  s.best_step = selector.best_step();
  s.steps = steps;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_summary(run / "summary.json", s);
  return s;
}

}  // namespace motioncue::train
