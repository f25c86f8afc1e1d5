#include "motioncue/geometry/preview_render.h"

#include <algorithm>
#include <cmath>

#include "motioncue/geometry/renderer.h"

namespace motioncue::geometry {

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
  const cv::Mat white(size, size, CV_8UC3, cv::Scalar(255, 255, 255));
  Lighting light;  // from the upper left, behind the viewer
  light.direction = {-0.4f, -0.5f, -1.0f};
  light.ambient = 0.25f;
  light.diffuse = 0.75f;
  light.two_sided = false;
  const int supersample = size <= 1024 ? 2 : 1;  // large views: memory over smoothness
  int tile = 0;
  for (std::size_t mi = 0; mi < meshes.size(); ++mi) {
    const auto& m = meshes[mi];
    const auto nv = static_cast<std::int64_t>(m.vertices.size() / 3);
    std::vector<std::int64_t> faces;
    for (const auto& f : m.faces) faces.insert(faces.end(), f.begin(), f.end());
    std::vector<float> colors(nv * 3, 200.0f / 255.0f);
    for (std::int64_t i = 0; i < nv && i < std::int64_t(m.colors.size()); ++i)
      for (int k = 0; k < 3; ++k) colors[3 * i + k] = m.colors[i][2 - k] / 255.0f;  // RGB
    std::vector<float> screen(nv * 3), cam(nv * 3);
    for (double yaw : yaw_deg) {
      const double c = std::cos(yaw * M_PI / 180.0), s = std::sin(yaw * M_PI / 180.0);
      for (std::int64_t i = 0; i < nv; ++i) {
        const double x = m.vertices[3 * i] - centres[mi][0],
                     y = m.vertices[3 * i + 1] - centres[mi][1],
                     z = m.vertices[3 * i + 2] - centres[mi][2];
        const double xr = c * x + s * z, zr = -s * x + c * z;  // turn the view about y
        // Camera frame: x right, y down, z away from the viewer (smaller depth = nearer).
        const float p[3] = {float(xr), float(-y), float(-zr)};
        std::copy(p, p + 3, &cam[3 * i]);
        screen[3 * i] = float(size * 0.5 + scale * xr);
        screen[3 * i + 1] = float(size * 0.5 - scale * y);
        screen[3 * i + 2] = p[2];
      }
      RenderInput in;
      in.screen_xyz = screen.data();
      in.num_vertices = nv;
      in.faces = faces.data();
      in.num_faces = std::int64_t(m.faces.size());
      in.positions_cam = cam.data();
      in.vertex_colors = colors.data();
      in.perspective = false;
      render(in, white, light, supersample)
          .color.copyTo(canvas(cv::Rect(tile * size, 0, size, size)));
      ++tile;
    }
  }
  return canvas;
}

}  // namespace motioncue::geometry
