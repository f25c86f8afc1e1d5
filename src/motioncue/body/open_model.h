// The built-in open body model (no licensed data): generated from the implicit surface of
// open_body_shape.h, meshed by surface nets, with skinning weights, shape directions, joint and
// keypoint regressors, landmarks and part labels, in SMPL's .npz layout (docs/FORMATS.md).
#pragma once

#include <cstdint>

#include "motioncue/core/npz.h"

namespace motioncue::body {

// Bumped whenever the generator's output changes; stored in the file as
// `open_body_generator`, so a cached model of another revision is rebuilt.
constexpr std::int64_t kOpenBodyRevision = 5;

// The model's arrays (the same on every run and machine).
Npz generate_open_body_model();

}  // namespace motioncue::body
