#include "motioncue/train/run_setup.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/seed.h"
#include "motioncue/data/labeled_dataset.h"
#include "motioncue/flow/flow_cache.h"
#include "motioncue/train/options.h"

namespace motioncue::train {

c10::Device resolve_device(const std::string& name) {
  if (name == "auto")
    return torch::cuda::is_available() ? c10::Device(c10::kCUDA) : c10::Device(c10::kCPU);
  if (name == "cpu") return c10::Device(c10::kCPU);
  if (name == "cuda") {
    if (!torch::cuda::is_available())
      throw Error("CUDA was asked for but this LibTorch build has no CUDA device").key("device");
    return c10::Device(c10::kCUDA);
  }
  throw Error("unknown device").key("device").expected("auto, cpu or cuda").found(name);
}

body::BodyModel load_body_model(const std::string& path, const c10::Device& device,
                                const std::string& keypoint_regressor) {
  if (path.empty() && !keypoint_regressor.empty())
    throw Error("a keypoint regressor belongs to a body model file: give that file too")
        .file(keypoint_regressor)
        .key("keypoint_regressor")
        .expected("--body-model (or body_model) naming an SMPL-layout .npz");
  body::BodyModel model =
      path.empty() ? body::load_default_model() : body::BodyModel::load(path, keypoint_regressor);
  model.to(device, torch::kFloat);
  return model;
}

body::BodyModel load_body_model(const RunOptions& run, const c10::Device& device) {
  return load_body_model(run.body_model, device, run.keypoint_regressor);
}

std::filesystem::path data_root(const RunOptions& run) {
  const std::filesystem::path root = run.data;
  if (root.empty())
    throw Error("no benchmark given").key("data").expected("a folder made by motioncue synth");
  if (!std::filesystem::is_directory(root))
    throw Error("benchmark folder not found").file(root.string()).key("data");
  return root;
}

OpenedRun open_run(const RunOptions& run) {
  seed_everything(run.seed);
  const c10::Device device = resolve_device(run.device);
  body::BodyModel body = load_body_model(run, device);
  return {device, std::move(body), data_root(run)};
}

std::int64_t labeled_subset_size(const LabeledSubsetOptions& subset, std::int64_t available) {
  const double fraction = subset.fraction;
  if (fraction != -1.0) {
    if (!(fraction > 0.0 && fraction <= 1.0))
      throw Error("labeled fraction out of range")
          .key("labeled.fraction")
          .expected("a share in (0, 1], or -1 to use labeled.count")
          .found(std::to_string(fraction));
    return std::max<std::int64_t>(1, std::llround(fraction * static_cast<double>(available)));
  }
  const std::int64_t count = subset.count;
  if (count == -1) return available;
  if (count < 1 || count > available)
    throw Error("labeled count out of range")
        .key("labeled.count")
        .expected("1.." + std::to_string(available) + ", or -1 for all")
        .found(std::to_string(count));
  return count;
}

std::vector<std::int64_t> labeled_subset(const LabeledSubsetOptions& subset,
                                         const data::LabeledDataset& labeled, std::uint64_t seed,
                                         bool supervised) {
  const std::int64_t count = labeled_subset_size(subset, labeled.size());
  std::vector<std::int64_t> indices = labeled.subset(count, seed);
  if (supervised && std::none_of(indices.begin(), indices.end(),
                                 [&](std::int64_t i) { return labeled.has_labels(i); }))
    throw Error(
        "none of the chosen labeled images has a label to train on (every keypoint "
        "confidence 0, no SMPL parameters)")
        .file(labeled.annotations_file().string())
        .key(subset.size_key())
        .expected("a subset with at least one labeled image")
        .found(std::to_string(count) + " images without labels");
  return indices;
}

std::filesystem::path flow_cache_dir(const std::string& setting,
                                     const std::filesystem::path& root) {
  return setting.empty() ? flow::default_flow_cache(root) : std::filesystem::path(setting);
}

}  // namespace motioncue::train
