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
#include "motioncue/train/unlabeled_step.h"

namespace motioncue::train {

namespace {

std::filesystem::path flow_cache_dir(const Config& config, const std::filesystem::path& root) {
  const auto configured = config.get<std::string>("refine.flow_cache");
  return configured.empty() ? root / ".flow_cache" : std::filesystem::path(configured);
}

}  // namespace

TrainSummary run_refinement(const Config& config, const RunDir& run, TrainControl control) {
  check_refinement_settings(config);
  const auto seed = config.get<std::uint64_t>("seed");
  seed_everything(seed);
  const c10::Device device = resolve_device(config.get<std::string>("device"));
  const body::BodyModel body = load_body_model(config, device);
  const auto root = data_root(config);
  const std::string init = config.get<std::string>("init");
  if (init.empty()) throw Error("no network to refine").key("init").expected("a checkpoint");

  model::LoadedCheckpoint loaded = model::load_checkpoint(init, body.hash());
  model::PoseNetwork& network = *loaded.network;
  network.to(device);
  const int resolution = network.config().resolution;

  const double w_frame = config.get<double>("refine.w_frame");
  // The anchor: the same labeled images the baseline was trained on (same count, same seed).
  const auto labeled = data::LabeledDataset::open(root / "labeled" / "annotations.npz");
  const auto subset_seed_cfg = config.get<std::int64_t>("labeled.seed");
  const std::uint64_t subset_seed =
      subset_seed_cfg >= 0 ? static_cast<std::uint64_t>(subset_seed_cfg)
                           : json_field_or(loaded.meta, "seed", std::uint64_t{0}, init + ".json");
  const std::vector<std::int64_t> indices =
      labeled_subset(config, labeled, subset_seed, /*supervised=*/w_frame > 0);
  write_npy(run / "labeled_indices.npy",
            NpyArray::from_i64({static_cast<std::int64_t>(indices.size())}, indices));
  ModelSelector selector(open_validation(config, root, body, resolution, device),
                         run / "best.ckpt");

  UnlabeledWeights uw;
  uw.flow = config.get<double>("refine.w_flow");
  uw.texture = config.get<double>("refine.w_texture");
  uw.keypoints = config.get<double>("refine.w_keypoints");
  const bool use_pairs = uw.flow > 0 || uw.texture > 0 || uw.keypoints > 0;
  if (w_frame <= 0 && !use_pairs)
    throw Error("nothing to optimise: every loss weight is 0").key("refine");
  UnlabeledOptions uo;
  uo.normalize = config.get<bool>("refine.normalize");
  uo.threshold = config.get<bool>("refine.threshold");
  uo.backward = config.get<bool>("refine.backward");
  const int flow_resolution_cfg = config.get<int>("refine.flow_resolution");
  const int flow_resolution = flow_resolution_cfg > 0 ? flow_resolution_cfg : resolution;
  uo.resolution = flow_resolution;
  const std::string flow_loss = config.get<std::string>("refine.flow_loss");
  uo.flow_loss = losses::parse_flow_loss_form(flow_loss, "refine.flow_loss");
  uo.truncate_px_at_224 = config.get<double>("refine.truncate_px");
  uo.max_root_turn_deg = config.get<double>("refine.max_root_turn_deg");

  // docs/METHOD.md section 5: BatchNorm statistics frozen and dropout off (switchable for
  // ablations).
  network.set_train(true);
  network.freeze_batchnorm(config.get<bool>("refine.freeze_bn"));
  network.set_dropout(config.get<bool>("refine.dropout"));
  torch::optim::Adam optimizer(
      network.parameters(),
      torch::optim::AdamOptions(config.get<double>("refine.lr"))
          .betas(std::make_tuple(config.get<double>("refine.adam_beta1"), 0.999)));

  const int steps = config.get<int>("refine.steps");
  const ResumePoint start = start_point(run, control, steps, network, optimizer, selector);
  const data::Shard shard = join_data_parallel(control, network);

  data::Augmentation augment;
  augment.enabled = config.get<bool>("refine.augment");
  const int workers = config.get<int>("refine.workers");
  data::LabeledLoader labeled_loader(labeled, indices, config.get<int>("refine.batch_size"),
                                     resolution, augment, derive_seed(seed, "labeled"), workers,
                                     start.step, shard);
  std::unique_ptr<data::VideoDataset> unlabeled;
  std::unique_ptr<data::PairLoader> pair_loader;
  if (use_pairs) {
    unlabeled = std::make_unique<data::VideoDataset>(
        data::VideoDataset::open(root / config.get<std::string>("refine.unlabeled_split")));
    if (uw.keypoints > 0)
      unlabeled->use_detected_keypoints(config.get<std::string>("refine.keypoints"));
    pair_loader = std::make_unique<data::PairLoader>(
        *unlabeled, config.get<int>("refine.pair_batch"), resolution, config.get<int>("refine.gap"),
        config.get<std::string>("refine.flow"), flow_cache_dir(config, root),
        config.get<bool>("refine.color_gains"), derive_seed(seed, "pairs"), workers,
        config.get<int>("refine.unlabeled_sequences"), flow_resolution, start.step, shard);
    if (uw.keypoints > 0 && !unlabeled->has_detected_keypoints())
      throw Error("the 2D keypoint term needs detector keypoints on the unlabeled frames")
          .file((root / config.get<std::string>("refine.unlabeled_split")).string())
          .key("refine.w_keypoints")
          .expected("keypoints2d_detected in the sequences' annotations.npz");
    spdlog::info("{} unlabeled pairs from '{}' (flow: {} at {} px, loss: {})",
                 pair_loader->num_pairs(), config.get<std::string>("refine.unlabeled_split"),
                 config.get<std::string>("refine.flow"), flow_resolution, flow_loss);
  }

  nlohmann::json meta = loaded.meta;
  meta["kind"] = "refined";
  meta["init"] = init;
  meta["refine_config"] = config.to_yaml();
  TrainingLoop loop(
      run, network, selector, meta,
      {steps, config.get<int>("refine.log_every"), config.get<int>("refine.val_every"), "refine",
       config.get<double>("refine.grad_clip"), "constant", start.step, control.stop_after,
       control.group});
  // Step 0 takes part in model selection: a refinement must beat its start (a resumed run has
  // it in its restored best-so-far).
  if (start.step == 0) loop.validate(0);
  for (int step = start.step + 1; step <= loop.last_step(); ++step) {
    at::Tensor total;
    std::map<std::string, double> logged;
    if (w_frame > 0) {
      const losses::SupervisedTerms sup =
          supervised_forward(network, body, labeled_loader.next(), losses::SupervisedWeights{});
      total = w_frame * sup.total;
      logged["supervised"] = sup.total.item<double>();
      for (const auto& [k, v] : sup.terms) logged[k] = v.item<double>();
    }
    if (use_pairs) {
      const UnlabeledTerms u = unlabeled_forward(network, body, pair_loader->next(), uw, uo);
      total = total.defined() ? total + u.total : u.total;
      logged.insert(u.logged.begin(), u.logged.end());
    }
    loop.step(step, total, optimizer, logged);
  }
  return loop.end(optimizer);
}

}  // namespace motioncue::train
