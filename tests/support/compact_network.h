// The compact backbone at 64 pixels: the smallest network, for tests that need a real one.
#pragma once

#include "motioncue/model/network.h"

namespace motioncue::testing {

inline model::NetworkConfig compact64() {
  model::NetworkConfig c;
  c.backbone = "compact";
  c.resolution = 64;
  return c;
}

}  // namespace motioncue::testing
