#include "motioncue/geometry/flow_color.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "motioncue/core/error.h"

namespace motioncue::geometry {
namespace {

// The 55-colour wheel: red -> yellow -> green -> cyan -> blue -> magenta -> red, RGB.
std::vector<cv::Vec3f> color_wheel() {
  const int ry = 15, yg = 6, gc = 4, cb = 11, bm = 13, mr = 6;
  std::vector<cv::Vec3f> w;
  for (int i = 0; i < ry; ++i) w.emplace_back(255, 255.0f * i / ry, 0);
  for (int i = 0; i < yg; ++i) w.emplace_back(255 - 255.0f * i / yg, 255, 0);
  for (int i = 0; i < gc; ++i) w.emplace_back(0, 255, 255.0f * i / gc);
  for (int i = 0; i < cb; ++i) w.emplace_back(0, 255 - 255.0f * i / cb, 255);
  for (int i = 0; i < bm; ++i) w.emplace_back(255.0f * i / bm, 0, 255);
  for (int i = 0; i < mr; ++i) w.emplace_back(255, 0, 255 - 255.0f * i / mr);
  return w;
}

}  // namespace

cv::Mat flow_to_color(const cv::Mat& flow, float max_magnitude, const cv::Mat& mask) {
  if (flow.empty() || flow.type() != CV_32FC2) throw Error("flow image must be CV_32FC2");
  if (!mask.empty() && (mask.type() != CV_8UC1 || mask.size() != flow.size()))
    throw Error("flow mask must be CV_8UC1 of the flow's size");
  auto shown = [&](int i, int j) { return mask.empty() || mask.at<uint8_t>(i, j) != 0; };
  if (max_magnitude <= 0) {
    max_magnitude = 0;
    for (int i = 0; i < flow.rows; ++i)
      for (int j = 0; j < flow.cols; ++j) {
        const cv::Vec2f f = flow.at<cv::Vec2f>(i, j);
        if (shown(i, j) && std::isfinite(f[0]) && std::isfinite(f[1]))
          max_magnitude = std::max(max_magnitude, std::hypot(f[0], f[1]));
      }
    if (max_magnitude <= 0) max_magnitude = 1;
  }
  static const std::vector<cv::Vec3f> wheel = color_wheel();
  const int n = int(wheel.size());
  cv::Mat out(flow.size(), CV_8UC3, cv::Scalar::all(0));
  for (int i = 0; i < flow.rows; ++i)
    for (int j = 0; j < flow.cols; ++j) {
      const cv::Vec2f f = flow.at<cv::Vec2f>(i, j);
      if (!shown(i, j) || !std::isfinite(f[0]) || !std::isfinite(f[1])) continue;
      const float u = f[0] / max_magnitude, v = f[1] / max_magnitude;
      const float rad = std::min(1.0f, std::hypot(u, v));
      const float a = std::atan2(-v, -u) / float(M_PI);  // -1..1
      const float fk = (a + 1) / 2 * float(n - 1);
      const int k0 = int(std::floor(fk)), k1 = (k0 + 1) % n;
      const float t = fk - float(k0);
      cv::Vec3b& px = out.at<cv::Vec3b>(i, j);
      for (int c = 0; c < 3; ++c) {
        const float col = ((1 - t) * wheel[k0][c] + t * wheel[k1][c]) / 255.0f;
        const float sat = 1 - rad * (1 - col);  // white at the centre
        px[2 - c] = cv::saturate_cast<uint8_t>(255.0f * sat);
      }
    }
  return out;
}

}  // namespace motioncue::geometry
