#include "motioncue/train/validation_set.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#include "motioncue/body/body_model.h"
#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/eval/evaluator.h"
#include "motioncue/eval/protocol.h"
#include "motioncue/model/network.h"
#include "motioncue/train/model_selection.h"
#include "motioncue/train/run_setup.h"

namespace motioncue::train {
namespace {

namespace fs = std::filesystem;

Validation archive_validation(const Config& config, const fs::path& archive,
                              const body::BodyModel& body, int resolution,
                              const c10::Device& device) {
  const auto protocol_name = config.get<std::string>("validation.protocol");
  if (protocol_name.empty())
    throw Error("validating on an archive needs the protocol that scores it")
        .file(archive.string())
        .key("validation.protocol")
        .expected("3dpw, h36m-p1, h36m-p2 or mpi-inf-3dhp");
  const auto protocol = eval::parse_protocol(protocol_name);
  const auto regressor = config.get<std::string>("validation.h36m_regressor");
  if (regressor.empty())
    throw Error("a published protocol scores the joints of the Human3.6M regressor")
        .key("validation.h36m_regressor")
        .expected("J_regressor_h36m.npy (17 x V)");
  const auto images = config.get<std::string>("validation.images");
  auto split = std::make_shared<eval::ProtocolSplit>(eval::ProtocolSplit::open(
      archive, protocol, images.empty() ? archive.parent_path() : fs::path(images)));
  struct Bodies {
    std::optional<body::BodyModel> male, female;
    eval::ProtocolBodies view;
  };
  auto bodies = std::make_shared<Bodies>();
  for (auto [key, slot] : {std::pair{"validation.body_male", &bodies->male},
                           std::pair{"validation.body_female", &bodies->female}}) {
    const auto file = config.get<std::string>(key);
    if (!file.empty()) *slot = load_body_model(file, device);
  }
  bodies->view.neutral = &body;
  bodies->view.male = bodies->male ? &*bodies->male : nullptr;
  bodies->view.female = bodies->female ? &*bodies->female : nullptr;
  bodies->view.h36m_regressor = eval::load_h36m_regressor(regressor, body.num_vertices());
  if (protocol == eval::Protocol::k3dpw && split->has_gender() &&
      (!bodies->male || !bodies->female))
    throw Error("3DPW ground truth is posed on the gendered bodies: give both")
        .file(archive.string())
        .key("validation.body_male, validation.body_female");
  return [split, bodies, resolution](const model::PoseNetwork& network) {
    eval::ProtocolOptions options;
    options.resolution = resolution;
    const eval::ProtocolResult r = eval::evaluate_protocol(network, bodies->view, *split, options);
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

ValidationPoint validate_on_sequences(const model::PoseNetwork& network,
                                      const body::BodyModel& body, const data::VideoDataset& val,
                                      int resolution) {
  eval::EvalOptions options;
  options.resolution = resolution;
  options.keep_predictions = false;
  options.with_vertices = false;
  const eval::EvalResult r =
      eval::evaluate(eval::single_frame_predictor(network), body, val, options);
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

Validation open_validation(const Config& config, const fs::path& data_root,
                           const body::BodyModel& body, int resolution, const c10::Device& device) {
  const fs::path split = config.get<std::string>("validation.split");
  const fs::path where = split.is_absolute() ? split : data_root / split;
  if (where.extension() == ".npz")
    return archive_validation(config, where, body, resolution, device);
  auto val = std::make_shared<data::VideoDataset>(data::VideoDataset::open(where));
  return [val, &body, resolution](const model::PoseNetwork& network) {
    return validate_on_sequences(network, body, *val, resolution);
  };
}

}  // namespace motioncue::train
