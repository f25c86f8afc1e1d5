// Constants that many tests share.
#pragma once

#include <torch/torch.h>

#include <limits>

namespace motioncue::testing {

inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
inline const auto kDouble = torch::TensorOptions().dtype(torch::kFloat64);

}  // namespace motioncue::testing
