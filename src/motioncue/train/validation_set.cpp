#include "motioncue/train/validation_set.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <memory>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/eval/evaluator.h"
#include "motioncue/eval/protocol.h"
#include "motioncue/model/network.h"
#include "motioncue/train/model_selection.h"
#include "motioncue/train/options.h"
#include "motioncue/train/trainable.h"

namespace motioncue::train {
namespace {

namespace fs = std::filesystem;

Validation archive_validation(const ValidationOptions& o, const fs::path& archive,
                              const body::BodyModel& body, int resolution,
                              const c10::Device& device) {
  std::shared_ptr<const eval::ProtocolSetup> setup =
      eval::open_protocol({o.protocol,
                           archive.string(),
                           o.images,
                           o.h36m_regressor,
                           o.body_male,
                           o.body_female,
                           {"validation.protocol", "validation.h36m_regressor",
                            "validation.body_male, validation.body_female"}},
                          body, device);
  return [setup, resolution](const Trainable& trainable) {
    eval::ProtocolOptions options;
    options.resolution = resolution;
    const eval::ProtocolResult r =
        eval::evaluate_protocol(trainable.network(), setup->bodies, *setup->split, options);
    constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    ValidationPoint p;
    p.pa_mpjpe = r.pa_mpjpe;
    p.mpjpe = r.mpjpe;
    p.pve = r.pve >= 0 ? r.pve : kNone;
    // Single images: no acceleration, and no facing diagnostics (they follow sequences).
    p.accel = p.mpjpe_rot = p.facing_away = p.facing_away_gt = p.facing_wrong = p.facing_flips =
        p.facing_turn_deg = kNone;
    return p;
  };
}

}  // namespace

ValidationPoint validate_on_sequences(const eval::Predictor& predictor, const body::BodyModel& body,
                                      const data::VideoDataset& val, int resolution) {
  eval::EvalOptions options;
  options.resolution = resolution;
  options.keep_predictions = false;
  options.with_vertices = false;
  const eval::EvalResult r = eval::evaluate(predictor, body, val, options);
  ValidationPoint p;
  p.pa_mpjpe = r.overall.pa_mpjpe;
  p.mpjpe = r.overall.mpjpe;
  p.pve = r.overall.pve;
  p.accel = r.overall.accel;
  p.mpjpe_rot = r.facing.mpjpe_rot;
  p.facing_away = r.facing.facing_away;
  p.facing_away_gt = r.facing.facing_away_gt;
  p.facing_wrong = r.facing.facing_wrong;
  p.facing_flips = r.facing.facing_flips;
  p.facing_turn_deg = r.facing.facing_turn_deg;
  return p;
}

Validation open_validation(const ValidationOptions& options, const fs::path& data_root,
                           const body::BodyModel& body, int resolution, const c10::Device& device) {
  const fs::path split = options.split;
  const fs::path where = split.is_absolute() ? split : data_root / split;
  if (where.extension() == ".npz")
    return archive_validation(options, where, body, resolution, device);
  auto val = std::make_shared<data::VideoDataset>(data::VideoDataset::open(where));
  return [val, &body, resolution](const Trainable& trainable) {
    return validate_on_sequences(trainable.predictor(), body, *val, resolution);
  };
}

}  // namespace motioncue::train
