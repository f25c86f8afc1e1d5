// The built-in body model, loaded once per test process.
#pragma once

#include "motioncue/body/body_model.h"

namespace motioncue::testing {

inline const body::BodyModel& default_body_model() {
  static const body::BodyModel model = body::load_default_model();
  return model;
}

}  // namespace motioncue::testing
