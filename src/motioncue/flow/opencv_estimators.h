// The OpenCV backends: DIS (three presets), Farneback, DeepFlow and Dual TV-L1.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "motioncue/flow/estimator.h"

namespace motioncue::flow {

// nullptr when `name` is not an OpenCV backend.
std::unique_ptr<FlowEstimator> make_opencv_estimator(const std::string& name);
std::vector<std::string> opencv_estimator_names();

}  // namespace motioncue::flow
