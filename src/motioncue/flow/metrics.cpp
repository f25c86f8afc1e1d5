#include "motioncue/flow/metrics.h"

#include <cmath>
#include <limits>

#include "motioncue/core/error.h"

namespace motioncue::flow {

FlowError flow_error(const cv::Mat& estimate, const cv::Mat& truth, const cv::Mat& mask) {
  if (estimate.type() != CV_32FC2 || truth.type() != CV_32FC2)
    throw Error("flow_error needs CV_32FC2 flows")
        .found(cv::typeToString(estimate.type()) + " and " + cv::typeToString(truth.type()));
  if (estimate.size() != truth.size())
    throw Error("flow_error: estimate and truth differ in size")
        .expected(std::to_string(truth.cols) + "x" + std::to_string(truth.rows))
        .found(std::to_string(estimate.cols) + "x" + std::to_string(estimate.rows));
  if (!mask.empty() && (mask.type() != CV_8UC1 || mask.size() != truth.size()))
    throw Error("flow_error: the mask must be CV_8UC1 of the flow's size");

  FlowError r;
  double sum = 0;
  std::int64_t outliers = 0;
  for (int y = 0; y < truth.rows; ++y) {
    const auto* e = estimate.ptr<cv::Vec2f>(y);
    const auto* t = truth.ptr<cv::Vec2f>(y);
    const auto* m = mask.empty() ? nullptr : mask.ptr<std::uint8_t>(y);
    for (int x = 0; x < truth.cols; ++x) {
      if (m && !m[x]) continue;
      if (!std::isfinite(t[x][0]) || !std::isfinite(t[x][1])) continue;
      ++r.count;
      const double du = double(e[x][0]) - t[x][0], dv = double(e[x][1]) - t[x][1];
      const double err = std::hypot(du, dv);
      if (!std::isfinite(err)) {
        sum = std::numeric_limits<double>::infinity();
        ++outliers;
        continue;
      }
      sum += err;
      if (err > 3.0 && err > 0.05 * std::hypot(double(t[x][0]), double(t[x][1]))) ++outliers;
    }
  }
  if (r.count > 0) {
    r.epe = sum / double(r.count);
    r.outlier_rate = double(outliers) / double(r.count);
  }
  return r;
}

}  // namespace motioncue::flow
