#include "motioncue/train/model_selection.h"

#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include "motioncue/train/trainable.h"

namespace motioncue::train {

ModelSelector::ModelSelector(const data::VideoDataset& val, const body::BodyModel& body,
                             int resolution, std::filesystem::path best_checkpoint)
    : ModelSelector(
          [&val, &body, resolution](const Trainable& trainable) {
            return validate_on_sequences(trainable.predictor(), body, val, resolution);
          },
          std::move(best_checkpoint)) {}

ModelSelector::ModelSelector(Validation validation, std::filesystem::path best_checkpoint)
    : validation_(std::move(validation)), best_path_(std::move(best_checkpoint)) {}

ValidationPoint ModelSelector::validate(Trainable& trainable, long step, nlohmann::json meta) {
  // Evaluation runs in inference mode; the caller's mode is restored afterwards.
  const bool was_training = trainable.is_training();
  trainable.set_train(false);
  const ValidationPoint p = validation_(trainable);
  trainable.set_train(was_training);
  if (p.pa_mpjpe < best_) {
    best_ = p.pa_mpjpe;
    best_step_ = step;
    meta["step"] = step;
    meta["val"] = {{"pa_mpjpe", p.pa_mpjpe}, {"mpjpe", p.mpjpe}, {"accel", p.accel}};
    trainable.save(best_path_, meta, nullptr);
  }
  spdlog::info(
      "step {}: validation PA-MPJPE {:.1f} mm, MPJPE {:.1f} mm, MPJPE-R {:.1f} mm, facing wrong "
      "{:.0f} % (best {:.1f} at step {})",
      step, p.pa_mpjpe, p.mpjpe, p.mpjpe_rot, 100.0 * p.facing_wrong, best_, best_step_);
  return p;
}

}  // namespace motioncue::train
