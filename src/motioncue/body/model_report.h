// What `motioncue body info` prints: counts, height, mesh checks and skinning-weight checks.
#pragma once

#include <nlohmann/json.hpp>

#include "motioncue/body/body_model.h"

namespace motioncue::body {

nlohmann::json describe_model(const BodyModel& model);

}  // namespace motioncue::body
