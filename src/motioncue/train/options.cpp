#include "motioncue/train/options.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <type_traits>

#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/flow/estimator.h"
#include "motioncue/train/training_loop.h"

namespace motioncue::train {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A numeric setting's allowed values: finite, in [low, high], or (low, high] when `open_low`.
struct Range {
  double low;
  bool open_low;
  double high;
  const char* expected;
};

constexpr Range kSteps{1, false, 1e9, "a whole number of steps >= 1"};
constexpr Range kBatch{1, false, 1e6, "a batch size >= 1"};
constexpr Range kPairBatch{1, false, 1e6, "a batch of pairs >= 1"};
constexpr Range kLearningRate{0, true, 10, "a learning rate > 0"};
constexpr Range kWorkers{0, false, 256, "0 or more loader threads"};
constexpr Range kInterval{1, false, 1e9, "a step interval >= 1"};
constexpr Range kGradClip{0, false, kInf, "a gradient norm >= 0 (0 = no clipping)"};
constexpr Range kWeight{0, false, kInf, "a weight >= 0"};
constexpr Range kAugmentStrength{0, false, 10, "a factor >= 0"};
constexpr Range kFrozenBlocks{0, false, 1e6, "0 or more blocks of a pretrained backbone"};
constexpr Range kCropSide{16, false, 4096, "a crop side of 16 to 4096 pixels"};
constexpr Range kBeta1{0, false, 0.999999, "a value in [0, 1)"};
constexpr Range kGap{1, false, 1e6, "a frame gap >= 1"};
constexpr Range kFlowResolution{0, false, 4096, "0 (the network's size) or a crop size in pixels"};
constexpr Range kTruncate{0, true, kInf, "a cap > 0 in pixels at 224"};
constexpr Range kRootTurn{0, true, 180, "an angle in (0, 180] degrees"};
constexpr Range kContextFrames{0, false, 256, "0 to 256 previous frames"};
constexpr Range kWidth{1, false, 1e6, "a width >= 1"};
constexpr Range kLearningRateOrOff{0, false, 10, "a learning rate >= 0 (0 = frozen)"};

// The field tables: each setting's key, its member and, for numbers, its range. One table per
// struct serves reading, checking and listing, so a key cannot be read in one and missed in
// another.
template <typename Options, typename Visit>
void run_fields(Options& o, Visit& v, bool with_subset_seed) {
  v("seed", o.seed);
  v("data", o.data);
  v("body_model", o.body_model);
  v("keypoint_regressor", o.keypoint_regressor);
  v("device", o.device);
  v("validation.split", o.validation.split);
  v("validation.protocol", o.validation.protocol);
  v("validation.images", o.validation.images);
  v("validation.h36m_regressor", o.validation.h36m_regressor);
  v("validation.body_male", o.validation.body_male);
  v("validation.body_female", o.validation.body_female);
  v("labeled.count", o.labeled.count);
  v("labeled.fraction", o.labeled.fraction);
  if (with_subset_seed) v("labeled.seed", o.labeled.seed);
}

template <typename Options, typename Visit>
void fields(Options& o, Visit& v, const BaselineOptions*) {
  run_fields(o.run, v, false);
  v("model.backbone", o.model.backbone);
  v("model.resolution", o.model.resolution, &kCropSide);
  v("model.frozen_blocks", o.model.frozen_blocks, &kFrozenBlocks);
  v("model.from_scratch", o.model.from_scratch);
  v("train.steps", o.steps, &kSteps);
  v("train.batch_size", o.batch_size, &kBatch);
  v("train.lr", o.lr, &kLearningRate);
  v("train.workers", o.workers, &kWorkers);
  v("train.augment", o.augment);
  v("train.augment_strength", o.augment_strength, &kAugmentStrength);
  v("train.grad_clip", o.grad_clip, &kGradClip);
  v("train.lr_schedule", o.lr_schedule);
  v("train.val_every", o.val_every, &kInterval);
  v("train.log_every", o.log_every, &kInterval);
}

template <typename Options, typename Visit>
void fields(Options& o, Visit& v, const RefineOptions*) {
  run_fields(o.run, v, true);
  v("init", o.init);
  v("refine.steps", o.steps, &kSteps);
  v("refine.batch_size", o.batch_size, &kBatch);
  v("refine.pair_batch", o.pair_batch, &kPairBatch);
  v("refine.lr", o.lr, &kLearningRate);
  v("refine.adam_beta1", o.adam_beta1, &kBeta1);
  v("refine.w_frame", o.w_frame, &kWeight);
  v("refine.w_flow", o.w_flow, &kWeight);
  v("refine.w_texture", o.w_texture, &kWeight);
  v("refine.w_keypoints", o.w_keypoints, &kWeight);
  v("refine.keypoints", o.keypoints);
  v("refine.gap", o.gap, &kGap);
  v("refine.flow", o.flow);
  v("refine.flow_loss", o.flow_loss.form);
  v("refine.flow_resolution", o.flow_resolution, &kFlowResolution);
  v("refine.truncate_px", o.flow_loss.truncate_px_at_224, &kTruncate);
  v("refine.max_root_turn_deg", o.flow_loss.max_root_turn_deg, &kRootTurn);
  v("refine.normalize", o.flow_loss.normalize);
  v("refine.threshold", o.flow_loss.threshold);
  v("refine.backward", o.flow_loss.backward);
  v("refine.freeze_bn", o.freeze_bn);
  v("refine.dropout", o.dropout);
  v("refine.color_gains", o.color_gains);
  v("refine.augment", o.augment);
  v("refine.grad_clip", o.grad_clip, &kGradClip);
  v("refine.unlabeled_sequences", o.unlabeled_sequences);
  v("refine.unlabeled_split", o.unlabeled_split);
  v("refine.flow_cache", o.flow_cache);
  v("refine.workers", o.workers, &kWorkers);
  v("refine.val_every", o.val_every, &kInterval);
  v("refine.log_every", o.log_every, &kInterval);
}

template <typename Options, typename Visit>
void fields(Options& o, Visit& v, const TemporalOptions*) {
  run_fields(o.run, v, false);
  v("init", o.init);
  v("temporal.frames", o.context.frames, &kContextFrames);
  v("temporal.channels", o.context.channels, &kWidth);
  v("temporal.hidden", o.context.hidden, &kWidth);
  v("temporal.steps", o.steps, &kSteps);
  v("temporal.batch_size", o.batch_size, &kPairBatch);
  v("temporal.labeled_batch_size", o.labeled_batch_size, &kBatch);
  v("temporal.lr_context", o.lr_context, &kLearningRate);
  v("temporal.lr_network", o.lr_network, &kLearningRateOrOff);
  v("temporal.w_flow", o.loss.w_flow, &kWeight);
  v("temporal.context_anchor", o.loss.context_anchor, &kWeight);
  v("temporal.flow", o.flow);
  v("temporal.flow_cache", o.flow_cache);
  v("temporal.unlabeled_split", o.unlabeled_split);
  v("temporal.grad_clip", o.grad_clip, &kGradClip);
  v("temporal.workers", o.workers, &kWorkers);
  v("temporal.val_every", o.val_every, &kInterval);
  v("temporal.log_every", o.log_every, &kInterval);
}

// Reads each member from the config (Config::get checks the kind of value).
struct Reader {
  const Config& config;
  template <typename T>
  void operator()(const char* key, T& member, const Range* = nullptr) {
    member = config.get<T>(key);
  }
  void operator()(const char* key, losses::FlowLossForm& member, const Range* = nullptr) {
    member = losses::parse_flow_loss_form(config.get<std::string>(key), key);
  }
};

std::string text_of(const std::string& v) { return v; }
std::string text_of(bool v) { return v ? "true" : "false"; }
std::string text_of(losses::FlowLossForm v) { return losses::flow_loss_form_name(v); }
template <typename T>
std::enable_if_t<std::is_arithmetic_v<T>, std::string> text_of(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(v));
    return buf;
  } else {
    return std::to_string(v);
  }
}

// Checks each numeric member against its range.
struct Checker {
  template <typename T>
  void operator()(const char* key, const T& member, const Range* range = nullptr) {
    if constexpr (std::is_arithmetic_v<T>) {
      if (!range) return;
      const auto value = static_cast<double>(member);
      const bool above = range->open_low ? value > range->low : value >= range->low;
      if (!(std::isfinite(value) && above && value <= range->high))
        throw Error("setting out of range")
            .key(key)
            .expected(range->expected)
            .found(text_of(member));
    }
  }
};

struct Lister {
  std::vector<std::pair<std::string, std::string>> out;
  template <typename T>
  void operator()(const char* key, const T& member, const Range* = nullptr) {
    out.emplace_back(key, text_of(member));
  }
};

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

void check_run(const RunOptions& o) {
  if (o.device != "auto" && o.device != "cpu" && o.device != "cuda")
    throw Error("unknown device").key("device").expected("auto, cpu or cuda").found(o.device);
}

// Each struct's own table, chosen by overload on its type (const or not).
template <typename Options, typename Visit>
void visit_fields(Options& o, Visit& v) {
  fields(o, v, static_cast<const std::decay_t<Options>*>(nullptr));
}

template <typename Options>
Options read_options(const Config& config) {
  Options o;
  Reader reader{config};
  visit_fields(o, reader);
  return o;
}

template <typename Options>
void check_fields(const Options& o) {
  Checker checker;
  visit_fields(o, checker);
  check_run(o.run);
}

template <typename Options>
std::vector<std::pair<std::string, std::string>> list_fields(const Options& o) {
  Lister lister;
  visit_fields(o, lister);
  return lister.out;
}

}  // namespace

BaselineOptions BaselineOptions::from_config(const Config& config) {
  return read_options<BaselineOptions>(config);
}

void BaselineOptions::check() const {
  check_fields(*this);
  const auto backbones = model::backbone_names();
  if (std::find(backbones.begin(), backbones.end(), model.backbone) == backbones.end())
    throw Error("unknown backbone")
        .key("model.backbone")
        .expected(joined(backbones))
        .found(model.backbone);
  lr_factor(lr_schedule, 1, 1);  // throws for an unknown name
}

std::vector<std::pair<std::string, std::string>> BaselineOptions::settings() const {
  return list_fields(*this);
}

RefineOptions RefineOptions::from_config(const Config& config) {
  return read_options<RefineOptions>(config);
}

void RefineOptions::check() const {
  check_fields(*this);
  flow::check_flow_source(flow, "refine.flow");
}

std::vector<std::pair<std::string, std::string>> RefineOptions::settings() const {
  return list_fields(*this);
}

TemporalOptions TemporalOptions::from_config(const Config& config) {
  return read_options<TemporalOptions>(config);
}

void TemporalOptions::check() const {
  check_fields(*this);
  flow::check_flow_source(flow, "temporal.flow");
  if (std::filesystem::path(run.validation.split).extension() == ".npz")
    throw Error("temporal training validates on sequences: the context reads previous frames")
        .key("validation.split")
        .expected("a folder of sequences")
        .found(run.validation.split);
}

std::vector<std::pair<std::string, std::string>> TemporalOptions::settings() const {
  return list_fields(*this);
}

}  // namespace motioncue::train
