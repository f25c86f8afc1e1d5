// Bilinear sampling of a flow field that may hold NaN (invalid) pixels.
#pragma once

#include <opencv2/core.hpp>

namespace motioncue::flow {

// Samples CV_32FC2 `flow` at array coordinates (x, y) (pixel centres at integers). NaN when the
// pixel nearest to (x, y) is outside or invalid; otherwise the bilinear mix of the valid
// neighbours, their weights renormalised, so a valid region's edge is not eroded by its
// invalid neighbours (nor by neighbours whose weight is zero).
cv::Vec2f sample_flow(const cv::Mat& flow, double x, double y);

}  // namespace motioncue::flow
