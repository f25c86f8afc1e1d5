// Flow as a colour image with the Middlebury colour wheel (Baker et al. 2011): hue = direction,
// saturation = magnitude relative to `max_magnitude`.
#pragma once

#include <opencv2/core.hpp>

namespace motioncue::flow {

// CV_8UC3 BGR. max_magnitude <= 0: the largest finite magnitude in `flow` (so the strongest
// motion is fully saturated). Pixels with NaN/inf flow are black.
cv::Mat flow_to_color(const cv::Mat& flow, float max_magnitude = -1);

}  // namespace motioncue::flow
