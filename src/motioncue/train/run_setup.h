// What every trainer does first: pick the device, load the body model, open the data.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "motioncue/body/body_model.h"

namespace motioncue::data {
class LabeledDataset;
}

namespace motioncue::train {

struct LabeledSubsetOptions;
struct RunOptions;

// "auto" = CUDA when LibTorch has it, else CPU. Throws Error for an unknown name or missing CUDA.
c10::Device resolve_device(const std::string& name);
// The built-in open body model when `path` is empty; `keypoint_regressor` (a .npy, may be empty)
// as BodyModel::load takes it.
body::BodyModel load_body_model(const std::string& path, const c10::Device& device,
                                const std::string& keypoint_regressor = "");
// The body model a run names (body_model and keypoint_regressor).
body::BodyModel load_body_model(const RunOptions& run, const c10::Device& device);
// The run's benchmark root (data), checked to exist.
std::filesystem::path data_root(const RunOptions& run);

// What every trainer opens first: the device, the body model on it, the benchmark root; every
// random generator seeded from run.seed before anything else happens.
struct OpenedRun {
  c10::Device device;
  body::BodyModel body;
  std::filesystem::path root;
};
OpenedRun open_run(const RunOptions& run);
// The flow cache a run reads and fills: the named folder, or the benchmark's default one
// (flow::default_flow_cache) when `setting` is empty.
std::filesystem::path flow_cache_dir(const std::string& setting, const std::filesystem::path& root);
// How many of `available` labeled images a run uses: labeled.fraction (a share in (0, 1],
// rounded, at least 1) when set, else labeled.count (-1 = all). Throws Error naming the key for
// a value out of range.
std::int64_t labeled_subset_size(const LabeledSubsetOptions& subset, std::int64_t available);
// The labeled images a run trains on: the nested subset of labeled_subset_size images drawn from
// `seed`. With `supervised` (the run has a supervised loss), throws Error naming the annotations
// file and the key when not one of them carries a label (LabeledDataset::has_labels): the run
// would train on nothing.
std::vector<std::int64_t> labeled_subset(const LabeledSubsetOptions& subset,
                                         const data::LabeledDataset& labeled, std::uint64_t seed,
                                         bool supervised = true);

}  // namespace motioncue::train
