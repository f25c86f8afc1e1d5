#include "motioncue/body/preview_render.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace motioncue::body {

cv::Vec3b part_color(std::int64_t label) {
  static const cv::Vec3b palette[] = {
      {180, 200, 230}, {120, 160, 200}, {90, 180, 120}, {120, 120, 220}, {60, 140, 90},
      {80, 80, 190},   {40, 110, 70},   {60, 60, 150},  {200, 150, 90},  {180, 110, 160},
      {170, 120, 60},  {150, 80, 130},  {130, 90, 40},  {120, 60, 100},  {150, 150, 150}};
  const auto n = static_cast<std::int64_t>(sizeof(palette) / sizeof(palette[0]));
  return palette[((label % n) + n) % n];
}

cv::Mat render_preview(const std::vector<PreviewMesh>& meshes, const std::vector<double>& yaw_deg,
                       int size) {
  // One scale for all: the largest extent of any mesh in any view fills 90 % of a tile.
  double extent = 0.0;
  std::vector<cv::Vec3d> centres;
  for (const auto& m : meshes) {
    cv::Vec3d lo(1e30, 1e30, 1e30), hi(-1e30, -1e30, -1e30);
    for (std::size_t i = 0; i + 2 < m.vertices.size(); i += 3) {
      for (int k = 0; k < 3; ++k) {
        lo[k] = std::min(lo[k], m.vertices[i + k]);
        hi[k] = std::max(hi[k], m.vertices[i + k]);
      }
    }
    centres.push_back((lo + hi) * 0.5);
    extent = std::max({extent, hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]});
  }
  const double scale = 0.9 * size / std::max(extent, 1e-9);
  cv::Mat canvas(size, size * static_cast<int>(meshes.size() * yaw_deg.size()), CV_8UC3,
                 cv::Scalar(255, 255, 255));
  int tile = 0;
  for (std::size_t mi = 0; mi < meshes.size(); ++mi) {
    const auto& m = meshes[mi];
    for (double yaw : yaw_deg) {
      const double c = std::cos(yaw * M_PI / 180.0), s = std::sin(yaw * M_PI / 180.0);
      const auto nv = m.vertices.size() / 3;
      std::vector<cv::Vec3d> p(nv);  // screen x, screen y, depth (towards the viewer)
      for (std::size_t i = 0; i < nv; ++i) {
        const double x = m.vertices[3 * i] - centres[mi][0],
                     y = m.vertices[3 * i + 1] - centres[mi][1],
                     z = m.vertices[3 * i + 2] - centres[mi][2];
        const double xr = c * x + s * z, zr = -s * x + c * z;  // rotate the view about y
        p[i] = {size * 0.5 + scale * xr + tile * size, size * 0.5 - scale * y, zr};
      }
      cv::Mat depth(size, size, CV_64F, cv::Scalar(-std::numeric_limits<double>::infinity()));
      const cv::Vec3d light = cv::normalize(cv::Vec3d(-0.4, 0.5, 1.0));
      for (const auto& f : m.faces) {
        const cv::Vec3d a = p[f[0]], b = p[f[1]], d = p[f[2]];
        // Screen y points down: a front-facing counter-clockwise triangle has negative area here.
        const double area = (b[0] - a[0]) * (d[1] - a[1]) - (b[1] - a[1]) * (d[0] - a[0]);
        if (area >= 0) continue;
        // World-space normal (in view coordinates) for shading.
        const cv::Vec3d e1((b[0] - a[0]) / scale, -(b[1] - a[1]) / scale, b[2] - a[2]);
        const cv::Vec3d e2((d[0] - a[0]) / scale, -(d[1] - a[1]) / scale, d[2] - a[2]);
        const cv::Vec3d n = cv::normalize(e1.cross(e2));
        const double shade = 0.25 + 0.75 * std::max(0.0, n.dot(light));
        cv::Vec3d base(200, 200, 200);
        if (!m.colors.empty()) {
          base =
              (cv::Vec3d(m.colors[f[0]]) + cv::Vec3d(m.colors[f[1]]) + cv::Vec3d(m.colors[f[2]])) /
              3.0;
        }
        const cv::Vec3b color(cv::saturate_cast<uchar>(base[0] * shade),
                              cv::saturate_cast<uchar>(base[1] * shade),
                              cv::saturate_cast<uchar>(base[2] * shade));
        const int x0 =
            std::max(tile * size, static_cast<int>(std::floor(std::min({a[0], b[0], d[0]}))));
        const int x1 = std::min((tile + 1) * size - 1,
                                static_cast<int>(std::ceil(std::max({a[0], b[0], d[0]}))));
        const int y0 = std::max(0, static_cast<int>(std::floor(std::min({a[1], b[1], d[1]}))));
        const int y1 =
            std::min(size - 1, static_cast<int>(std::ceil(std::max({a[1], b[1], d[1]}))));
        for (int y = y0; y <= y1; ++y) {
          for (int x = x0; x <= x1; ++x) {
            const double px = x + 0.5, py = y + 0.5;
            const double w0 = ((b[0] - px) * (d[1] - py) - (b[1] - py) * (d[0] - px)) / area;
            const double w1 = ((d[0] - px) * (a[1] - py) - (d[1] - py) * (a[0] - px)) / area;
            const double w2 = 1.0 - w0 - w1;
            if (w0 < 0 || w1 < 0 || w2 < 0) continue;
            const double z = w0 * a[2] + w1 * b[2] + w2 * d[2];
            double& zb = depth.at<double>(y, x - tile * size);
            if (z <= zb) continue;
            zb = z;
            canvas.at<cv::Vec3b>(y, x) = color;
          }
        }
      }
      ++tile;
    }
  }
  return canvas;
}

}  // namespace motioncue::body
