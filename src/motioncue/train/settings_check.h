// Range checks of the numeric settings of the training verbs and of their named choices (device,
// backbone, schedule, flow estimator, flow loss form), run before a run folder is made or a step
// taken: a negative learning rate, a zero batch, a NaN weight or a misspelt name is an Error naming
// the key instead of a crash, a LibTorch backtrace, a run that trains on nothing, or a failure
// after minutes of work.
#pragma once

namespace motioncue {
class Config;
}

namespace motioncue::train {

void check_training_settings(const Config& config);    // motioncue train (train.*)
void check_refinement_settings(const Config& config);  // motioncue refine (refine.*)

}  // namespace motioncue::train
