#include "motioncue/flow/sampling.h"

#include <cmath>
#include <limits>

namespace motioncue::flow {

namespace {

bool valid_at(const cv::Mat& flow, int x, int y) {
  if (x < 0 || y < 0 || x >= flow.cols || y >= flow.rows) return false;
  const auto& v = flow.at<cv::Vec2f>(y, x);
  return std::isfinite(v[0]) && std::isfinite(v[1]);
}

}  // namespace

cv::Vec2f sample_flow(const cv::Mat& flow, double x, double y) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  if (!std::isfinite(x) || !std::isfinite(y) ||
      !valid_at(flow, int(std::lround(x)), int(std::lround(y))))
    return {nan, nan};
  const int x0 = int(std::floor(x)), y0 = int(std::floor(y));
  const double fx = x - x0, fy = y - y0;
  double w_sum = 0, u = 0, v = 0;
  for (int dy = 0; dy < 2; ++dy)
    for (int dx = 0; dx < 2; ++dx) {
      const double w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
      if (w <= 0 || !valid_at(flow, x0 + dx, y0 + dy)) continue;
      const auto& f = flow.at<cv::Vec2f>(y0 + dy, x0 + dx);
      w_sum += w;
      u += w * f[0];
      v += w * f[1];
    }
  return {float(u / w_sum), float(v / w_sum)};
}

}  // namespace motioncue::flow
