#include "motioncue/train/model_selection.h"

#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include "motioncue/eval/evaluator.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"

namespace motioncue::train {

ModelSelector::ModelSelector(const data::VideoDataset& val, const body::BodyModel& body,
                             int resolution, std::filesystem::path best_checkpoint)
    : val_(val), body_(body), resolution_(resolution), best_path_(std::move(best_checkpoint)) {}

ValidationPoint ModelSelector::validate(model::PoseNetwork& network, long step,
                                        nlohmann::json meta) {
  eval::EvalOptions options;
  options.resolution = resolution_;
  options.keep_predictions = false;
  options.with_vertices = false;
  // Evaluation runs the network in inference mode; the caller's mode is restored afterwards.
  const bool was_training = network.is_training();
  network.set_train(false);
  const eval::EvalResult r =
      eval::evaluate(eval::single_frame_predictor(network), body_, val_, options);
  network.set_train(was_training);
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
  if (p.pa_mpjpe < best_) {
    best_ = p.pa_mpjpe;
    best_step_ = step;
    meta["step"] = step;
    meta["val"] = {{"pa_mpjpe", p.pa_mpjpe}, {"mpjpe", p.mpjpe}, {"accel", p.accel}};
    model::save_checkpoint(best_path_, network, meta);
  }
  spdlog::info(
      "step {}: validation PA-MPJPE {:.1f} mm, MPJPE {:.1f} mm, MPJPE-R {:.1f} mm, facing wrong "
      "{:.0f} % (best {:.1f} at step {})",
      step, p.pa_mpjpe, p.mpjpe, p.mpjpe_rot, 100.0 * p.facing_wrong, best_, best_step_);
  return p;
}

}  // namespace motioncue::train
