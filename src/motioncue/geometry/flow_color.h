// The standard optical-flow colour coding (Baker et al., Middlebury): hue = direction,
// saturation = magnitude, white = no motion.
#pragma once

#include <opencv2/core.hpp>

namespace motioncue::geometry {

// flow: CV_32FC2. max_magnitude <= 0: the largest magnitude among the pixels shown.
// mask (CV_8UC1, optional): pixels where it is 0 are drawn black. Returns CV_8UC3 BGR.
cv::Mat flow_to_color(const cv::Mat& flow, float max_magnitude = -1.0f, const cv::Mat& mask = {});

}  // namespace motioncue::geometry
