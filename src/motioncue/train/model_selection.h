// Model selection on the validation set (never on test): evaluates the network, keeps the
// checkpoint with the lowest validation PA-MPJPE, and logs the curve.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <limits>

#include "motioncue/train/validation_set.h"

namespace motioncue::body {
class BodyModel;
}
namespace motioncue::data {
class VideoDataset;
}
namespace motioncue::train {

class Trainable;

struct ValidationPoint {
  double pa_mpjpe = 0, mpjpe = 0, pve = 0, accel = 0;
  // The facing diagnostics of eval/facing.h (shares in [0, 1], NaN where not computable): a
  // collapse of every frame to one facing shows as facing_wrong and mpjpe_rot going up.
  double mpjpe_rot = 0, facing_away = 0, facing_away_gt = 0, facing_wrong = 0, facing_flips = 0,
         facing_turn_deg = 0;
};

class ModelSelector {
 public:
  // The benchmark's split of sequences.
  ModelSelector(const data::VideoDataset& val, const body::BodyModel& body, int resolution,
                std::filesystem::path best_checkpoint);
  // Any validation set (validation_set.h).
  ModelSelector(Validation validation, std::filesystem::path best_checkpoint);
  // Evaluates on the validation split; saves `trainable` as the best checkpoint when it improves.
  ValidationPoint validate(Trainable& trainable, long step, nlohmann::json meta);
  // A resumed run: the best point so far (its checkpoint is already on disk).
  void restore(double best_pa_mpjpe, long best_step) {
    best_ = best_pa_mpjpe;
    best_step_ = best_step;
  }
  double best_pa_mpjpe() const { return best_; }
  long best_step() const { return best_step_; }

 private:
  Validation validation_;
  std::filesystem::path best_path_;
  double best_ = std::numeric_limits<double>::infinity();
  long best_step_ = -1;
};

}  // namespace motioncue::train
