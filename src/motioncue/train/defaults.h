// The default configs (the schemas) of the training verbs. Every key a user may set appears here
// with its default value; docs/ARCHITECTURE.md explains them.
#pragma once

namespace motioncue::train {

extern const char* const kTrainDefaults;     // motioncue train
extern const char* const kRefineDefaults;    // motioncue refine
extern const char* const kTemporalDefaults;  // motioncue temporal train

}  // namespace motioncue::train
