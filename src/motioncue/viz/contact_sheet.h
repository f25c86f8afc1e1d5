// Contact sheets: a grid of images (one row per sequence, or rows of labeled images) for looking
// at a split at a glance.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace motioncue::viz {

// Each row's images are resized to tile x tile and laid out with a 2-pixel gap; a row may carry
// a short caption drawn at its left edge.
cv::Mat make_contact_sheet(const std::vector<std::vector<cv::Mat>>& rows, int tile,
                           const std::vector<std::string>& captions = {});

}  // namespace motioncue::viz
