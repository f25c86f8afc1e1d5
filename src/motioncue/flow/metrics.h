// Endpoint error and outlier rate of an estimated flow against ground truth.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>

namespace motioncue::flow {

struct FlowError {
  double epe = 0;           // mean endpoint error |estimate - truth| in pixels
  double outlier_rate = 0;  // fraction with EPE > 3 px and > 5 % of |truth| (KITTI's Fl)
  std::int64_t count = 0;   // pixels evaluated
};

// Both CV_32FC2 of the same size. Pixels evaluated: mask != 0 (CV_8U, same size; empty = all)
// and a finite truth. A non-finite estimate at an evaluated pixel counts as an outlier with
// infinite error, so it cannot be hidden: epe becomes inf. count 0 gives epe 0, outlier_rate 0.
FlowError flow_error(const cv::Mat& estimate, const cv::Mat& truth, const cv::Mat& mask = {});

}  // namespace motioncue::flow
