// The two training procedures: supervised baseline training on a few labeled images, and the
// motion-cue refinement of a trained network (METHOD.md section 5). Both write into a run folder:
// config.yaml, log.txt, curves.csv, best.ckpt (by validation PA-MPJPE), last.ckpt, summary.json.
#pragma once

#include <filesystem>
#include <string>

namespace motioncue {
class Config;
class RunDir;
}  // namespace motioncue

namespace motioncue::train {

struct TrainSummary {
  std::filesystem::path best_checkpoint, last_checkpoint;
  double best_val_pa_mpjpe = 0;
  long best_step = -1;
  long steps = 0;
  double seconds = 0;
};

// Config schema: kTrainDefaults (defaults.h).
TrainSummary run_training(const Config& config, const RunDir& run);
// Config schema: kRefineDefaults (defaults.h).
TrainSummary run_refinement(const Config& config, const RunDir& run);

}  // namespace motioncue::train
