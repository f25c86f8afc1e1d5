#include "motioncue/train/settings_check.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/flow/estimator.h"
#include "motioncue/losses/flow_consistency.h"
#include "motioncue/model/network.h"
#include "motioncue/train/training_loop.h"

namespace motioncue::train {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A finite value in [low, high], or in (low, high] when `open_low`.
struct Rule {
  const char* key;
  double low;
  bool open_low;
  double high;
  const char* expected;
};

const Rule kTrainRules[] = {
    {"train.steps", 1, false, 1e9, "a whole number of steps >= 1"},
    {"train.batch_size", 1, false, 1e6, "a batch size >= 1"},
    {"train.lr", 0, true, 10, "a learning rate > 0"},
    {"train.workers", 0, false, 256, "0 or more loader threads"},
    {"train.augment_strength", 0, false, 10, "a factor >= 0"},
    {"train.grad_clip", 0, false, kInf, "a gradient norm >= 0 (0 = no clipping)"},
    {"train.val_every", 1, false, 1e9, "a step interval >= 1"},
    {"train.log_every", 1, false, 1e9, "a step interval >= 1"},
    {"model.frozen_blocks", 0, false, 1e6, "0 or more blocks of a pretrained backbone"},
};

const Rule kRefineRules[] = {
    {"refine.steps", 1, false, 1e9, "a whole number of steps >= 1"},
    {"refine.batch_size", 1, false, 1e6, "a batch size >= 1"},
    {"refine.pair_batch", 1, false, 1e6, "a batch of pairs >= 1"},
    {"refine.lr", 0, true, 10, "a learning rate > 0"},
    {"refine.adam_beta1", 0, false, 0.999999, "a value in [0, 1)"},
    {"refine.w_frame", 0, false, kInf, "a weight >= 0"},
    {"refine.w_flow", 0, false, kInf, "a weight >= 0"},
    {"refine.w_texture", 0, false, kInf, "a weight >= 0"},
    {"refine.w_keypoints", 0, false, kInf, "a weight >= 0"},
    {"refine.gap", 1, false, 1e6, "a frame gap >= 1"},
    {"refine.flow_resolution", 0, false, 4096, "0 (the network's size) or a crop size in pixels"},
    {"refine.truncate_px", 0, true, kInf, "a cap > 0 in pixels at 224"},
    {"refine.max_root_turn_deg", 0, true, 180, "an angle in (0, 180] degrees"},
    {"refine.grad_clip", 0, false, kInf, "a gradient norm >= 0 (0 = no clipping)"},
    {"refine.workers", 0, false, 256, "0 or more loader threads"},
    {"refine.val_every", 1, false, 1e9, "a step interval >= 1"},
    {"refine.log_every", 1, false, 1e9, "a step interval >= 1"},
};

template <std::size_t N>
void check_rule_table(const Config& config, const Rule (&rules)[N]) {
  for (const Rule& rule : rules) {
    const double value = config.get<double>(rule.key);
    const bool above = rule.open_low ? value > rule.low : value >= rule.low;
    if (!(std::isfinite(value) && above && value <= rule.high))
      throw Error("setting out of range")
          .key(rule.key)
          .expected(rule.expected)
          .found(config.node(rule.key).as<std::string>());
  }
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

void check_device_name(const Config& config) {
  const auto device = config.get<std::string>("device");
  if (device != "auto" && device != "cpu" && device != "cuda")
    throw Error("unknown device").key("device").expected("auto, cpu or cuda").found(device);
}

}  // namespace

void check_training_settings(const Config& config) {
  check_rule_table(config, kTrainRules);
  check_device_name(config);
  const auto backbone = config.get<std::string>("model.backbone");
  const auto backbones = model::backbone_names();
  if (std::find(backbones.begin(), backbones.end(), backbone) == backbones.end())
    throw Error("unknown backbone")
        .key("model.backbone")
        .expected(joined(backbones))
        .found(backbone);
  lr_factor(config.get<std::string>("train.lr_schedule"), 1, 1);  // throws for an unknown name
}

void check_refinement_settings(const Config& config) {
  check_rule_table(config, kRefineRules);
  check_device_name(config);
  losses::parse_flow_loss_form(config.get<std::string>("refine.flow_loss"), "refine.flow_loss");
  const auto flow = config.get<std::string>("refine.flow");
  const auto estimators = flow::flow_estimator_names();
  if (flow != "oracle" && flow.rfind("torchscript:", 0) != 0 &&
      std::find(estimators.begin(), estimators.end(), flow) == estimators.end())
    throw Error("unknown flow estimator")
        .key("refine.flow")
        .expected("oracle, " + joined(estimators))
        .found(flow);
}

}  // namespace motioncue::train
