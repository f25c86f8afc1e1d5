// Range checks of the numeric settings of the training verbs, run before a run folder is made or
// a step taken: a negative learning rate, a zero batch or a NaN weight is an Error naming the key
// instead of a crash, a LibTorch backtrace or a run that trains on nothing.
#pragma once

namespace motioncue {
class Config;
}

namespace motioncue::train {

void check_training_settings(const Config& config);    // motioncue train (train.*)
void check_refinement_settings(const Config& config);  // motioncue refine (refine.*)

}  // namespace motioncue::train
