#include "motioncue/flow/visualize.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "motioncue/core/error.h"

namespace motioncue::flow {

namespace {

// The Middlebury wheel: 55 hues in six bands (red-yellow 15, yellow-green 6, green-cyan 4,
// cyan-blue 11, blue-magenta 13, magenta-red 6), each a linear ramp between two primaries. RGB.
std::vector<std::array<float, 3>> make_wheel() {
  struct Band {
    int n;
    std::array<float, 3> from, to;
  };
  const Band bands[] = {{15, {255, 0, 0}, {255, 255, 0}}, {6, {255, 255, 0}, {0, 255, 0}},
                        {4, {0, 255, 0}, {0, 255, 255}},  {11, {0, 255, 255}, {0, 0, 255}},
                        {13, {0, 0, 255}, {255, 0, 255}}, {6, {255, 0, 255}, {255, 0, 0}}};
  std::vector<std::array<float, 3>> wheel;
  for (const auto& b : bands)
    for (int i = 0; i < b.n; ++i) {
      const float t = float(i) / float(b.n);
      wheel.push_back({b.from[0] + t * (b.to[0] - b.from[0]), b.from[1] + t * (b.to[1] - b.from[1]),
                       b.from[2] + t * (b.to[2] - b.from[2])});
    }
  return wheel;
}

}  // namespace

cv::Mat flow_to_color(const cv::Mat& flow, float max_magnitude) {
  if (flow.empty() || flow.type() != CV_32FC2)
    throw Error("flow_to_color needs a non-empty CV_32FC2 flow")
        .found(flow.empty() ? "empty" : cv::typeToString(flow.type()));
  static const auto wheel = make_wheel();
  const int ncols = int(wheel.size());

  float max_mag = max_magnitude;
  if (!(max_mag > 0)) {
    max_mag = 0;
    for (int y = 0; y < flow.rows; ++y)
      for (int x = 0; x < flow.cols; ++x) {
        const auto f = flow.at<cv::Vec2f>(y, x);
        if (std::isfinite(f[0]) && std::isfinite(f[1]))
          max_mag = std::max(max_mag, std::hypot(f[0], f[1]));
      }
  }
  const float norm = max_mag > 0 ? max_mag : 1.0f;

  cv::Mat out(flow.size(), CV_8UC3);
  for (int y = 0; y < flow.rows; ++y) {
    const auto* in = flow.ptr<cv::Vec2f>(y);
    auto* px = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < flow.cols; ++x) {
      const float u = in[x][0], v = in[x][1];
      if (!std::isfinite(u) || !std::isfinite(v)) {
        px[x] = cv::Vec3b(0, 0, 0);
        continue;
      }
      const float rad = std::hypot(u, v) / norm;
      const float angle = std::atan2(-v, -u) / float(M_PI);  // in [-1, 1]
      const float fk = (angle + 1.0f) / 2.0f * float(ncols - 1);
      const int k0 = std::clamp(int(std::floor(fk)), 0, ncols - 1);
      const int k1 = (k0 + 1) % ncols;
      const float f = fk - float(k0);
      cv::Vec3b bgr;
      for (int c = 0; c < 3; ++c) {
        float col = ((1 - f) * wheel[k0][c] + f * wheel[k1][c]) / 255.0f;
        // Inside the unit circle, desaturate towards white; beyond it, darken.
        col = rad <= 1 ? 1 - rad * (1 - col) : col * 0.75f;
        bgr[2 - c] = cv::saturate_cast<uchar>(std::floor(255.0f * col));
      }
      px[x] = bgr;
    }
  }
  return out;
}

}  // namespace motioncue::flow
