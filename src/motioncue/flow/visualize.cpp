#include "motioncue/flow/visualize.h"

#include <cmath>

#include "motioncue/core/error.h"
#include "motioncue/geometry/flow_color.h"

namespace motioncue::flow {

cv::Mat flow_to_color(const cv::Mat& flow, float max_magnitude) {
  if (flow.empty() || flow.type() != CV_32FC2)
    throw Error("flow_to_color needs a CV_32FC2 flow")
        .found(flow.empty() ? "an empty image" : "another type");
  // The colour wheel is geometry's; here non-finite vectors (unknown flow) are masked out black.
  cv::Mat finite(flow.size(), CV_8UC1);
  for (int y = 0; y < flow.rows; ++y)
    for (int x = 0; x < flow.cols; ++x) {
      const cv::Vec2f f = flow.at<cv::Vec2f>(y, x);
      finite.at<uchar>(y, x) = std::isfinite(f[0]) && std::isfinite(f[1]) ? 255 : 0;
    }
  return geometry::flow_to_color(flow, max_magnitude, finite);
}

}  // namespace motioncue::flow
