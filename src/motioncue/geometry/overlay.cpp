#include "motioncue/geometry/overlay.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "motioncue/core/error.h"
#include "motioncue/geometry/mesh_normals.h"
#include "motioncue/geometry/renderer.h"

namespace motioncue::geometry {
namespace {

cv::Mat as_bgr(const cv::Mat& image) {
  if (image.empty()) throw Error("cannot draw on an empty image");
  if (image.type() == CV_8UC3) return image;
  cv::Mat out;
  if (image.type() == CV_8UC1)
    cv::cvtColor(image, out, cv::COLOR_GRAY2BGR);
  else if (image.type() == CV_8UC4)
    cv::cvtColor(image, out, cv::COLOR_BGRA2BGR);
  else
    throw Error("unsupported image type for drawing").expected("8-bit gray, BGR or BGRA");
  return out;
}

std::vector<float> solid_colors(int64_t n, cv::Vec3b bgr) {
  std::vector<float> c(size_t(n) * 3);
  for (int64_t v = 0; v < n; ++v)
    for (int k = 0; k < 3; ++k) c[3 * v + k] = float(bgr[2 - k]) / 255.0f;
  return c;
}

}  // namespace

cv::Mat overlay_mesh(const cv::Mat& image, const float* screen_xyz, int64_t num_vertices,
                     const int64_t* faces, int64_t num_faces, float alpha, cv::Vec3b color,
                     bool perspective) {
  const cv::Mat base = as_bgr(image);
  const auto colors = solid_colors(num_vertices, color);
  RenderInput in;
  in.screen_xyz = screen_xyz;
  in.num_vertices = num_vertices;
  in.faces = faces;
  in.num_faces = num_faces;
  in.vertex_colors = colors.data();
  in.perspective = perspective;
  const RenderOutput r = render(in, base, Lighting{}, 2);
  cv::Mat out;
  cv::addWeighted(r.color, std::clamp(alpha, 0.0f, 1.0f), base, 1.0 - std::clamp(alpha, 0.0f, 1.0f),
                  0.0, out);
  return out;
}

const std::vector<std::pair<int, int>>& keypoint_skeleton() {
  // 0 R ankle, 1 R knee, 2 R hip, 3 L hip, 4 L knee, 5 L ankle, 6 R wrist, 7 R elbow,
  // 8 R shoulder, 9 L shoulder, 10 L elbow, 11 L wrist, 12 neck, 13 head top, 14 pelvis,
  // 15 thorax, 16 spine, 17 jaw, 18 head, 19 nose, 20 L eye, 21 R eye, 22 L ear, 23 R ear.
  static const std::vector<std::pair<int, int>> limbs = {
      {0, 1},   {1, 2},   {2, 14},  {3, 14},  {3, 4},   {4, 5},   {6, 7},   {7, 8},
      {8, 12},  {9, 12},  {9, 10},  {10, 11}, {14, 16}, {16, 15}, {15, 12}, {12, 17},
      {17, 18}, {18, 13}, {18, 19}, {19, 20}, {19, 21}, {20, 22}, {21, 23}};
  return limbs;
}

void draw_keypoints(cv::Mat& image, const std::vector<cv::Point2f>& points,
                    const std::vector<float>& confidence, bool skeleton) {
  if (image.empty() || image.type() != CV_8UC3) throw Error("keypoints are drawn on BGR images");
  if (points.size() != confidence.size())
    throw Error("keypoints and confidences differ in count")
        .expected(std::to_string(points.size()))
        .found(std::to_string(confidence.size()));
  auto side_color = [](int k) {
    static const int right[] = {0, 1, 2, 6, 7, 8, 21, 23};
    static const int left[] = {3, 4, 5, 9, 10, 11, 20, 22};
    for (int r : right)
      if (r == k) return cv::Scalar(60, 60, 230);  // BGR red
    for (int l : left)
      if (l == k) return cv::Scalar(230, 120, 40);  // BGR blue
    return cv::Scalar(80, 200, 80);
  };
  const int thickness = std::max(1, std::min(image.rows, image.cols) / 150);
  auto ok = [&](int k) {
    return k < int(points.size()) && confidence[k] > 0 && std::isfinite(points[k].x) &&
           std::isfinite(points[k].y);
  };
  constexpr int kShift = 4;  // subpixel drawing: pixel centres at j + 0.5
  auto fixed = [&](const cv::Point2f& p) {
    return cv::Point(int(std::lround((p.x - 0.5f) * (1 << kShift))),
                     int(std::lround((p.y - 0.5f) * (1 << kShift))));
  };
  if (skeleton)
    for (const auto& [a, b] : keypoint_skeleton())
      if (ok(a) && ok(b))
        cv::line(image, fixed(points[a]), fixed(points[b]), side_color(std::min(a, b) == a ? b : a),
                 thickness, cv::LINE_AA, kShift);
  for (int k = 0; k < int(points.size()); ++k)
    if (ok(k))
      cv::circle(image, fixed(points[k]), (thickness + 2) << kShift, side_color(k), cv::FILLED,
                 cv::LINE_AA, kShift);
}

cv::Mat side_view(cv::Size size, const float* screen_xyz, int64_t num_vertices,
                  const int64_t* faces, int64_t num_faces, cv::Vec3b color, float depth_scale) {
  if (size.width <= 0 || size.height <= 0) throw Error("side view needs a positive size");
  if (depth_scale <= 0) depth_scale = isotropic_depth_scale(screen_xyz, faces, num_faces);
  float lo[3], hi[3];
  for (int k = 0; k < 3; ++k) {
    lo[k] = std::numeric_limits<float>::infinity();
    hi[k] = -lo[k];
  }
  for (int64_t v = 0; v < num_vertices; ++v)
    for (int k = 0; k < 3; ++k) {
      lo[k] = std::min(lo[k], screen_xyz[3 * v + k]);
      hi[k] = std::max(hi[k], screen_xyz[3 * v + k]);
    }
  const float cu = 0.5f * (lo[0] + hi[0]), cz = 0.5f * (lo[2] + hi[2]);
  // Rotate about the vertical axis through (cu, cz): depth becomes the horizontal axis, and what
  // was on the right (larger u) comes to the front (smaller depth).
  std::vector<float> rotated(size_t(num_vertices) * 3);
  for (int64_t v = 0; v < num_vertices; ++v) {
    const float* p = screen_xyz + 3 * v;
    rotated[3 * v] = cu + (p[2] - cz) * depth_scale;
    rotated[3 * v + 1] = p[1];
    rotated[3 * v + 2] = cz - (p[0] - cu) / depth_scale;
  }
  const cv::Mat background(size, CV_8UC3, cv::Scalar(40, 40, 40));
  const auto colors = solid_colors(num_vertices, color);
  RenderInput in;
  in.screen_xyz = rotated.data();
  in.num_vertices = num_vertices;
  in.faces = faces;
  in.num_faces = num_faces;
  in.vertex_colors = colors.data();
  in.perspective = false;
  return render(in, background, Lighting{}, 2).color;
}

}  // namespace motioncue::geometry
