#include "motioncue/geometry/ground_truth_flow.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "motioncue/geometry/rasterizer.h"

namespace motioncue::geometry {
namespace {

// Projection of the surface point with weights w on a triangle in one frame.
bool carry(const float* screen, const int64_t* tri, const float* w, bool perspective, double& u,
           double& v, double& z) {
  double su = 0, sv = 0, sz = 0;
  for (int k = 0; k < 3; ++k) {
    const float* p = screen + 3 * tri[k];
    if (perspective) {  // the 3D point is sum(w X); u z = fx x + cx z is linear in it
      su += w[k] * double(p[2]) * p[0];
      sv += w[k] * double(p[2]) * p[1];
    } else {
      su += w[k] * double(p[0]);
      sv += w[k] * double(p[1]);
    }
    sz += w[k] * double(p[2]);
  }
  if (perspective) {
    if (!(sz > 0)) return false;
    su /= sz;
    sv /= sz;
  }
  u = su;
  v = sv;
  z = sz;
  return std::isfinite(u) && std::isfinite(v) && std::isfinite(z);
}

// Depth of triangle tri (frame screen) at the point (u, v), if the point lies inside it.
bool depth_inside(const float* screen, const int64_t* tri, double u, double v, bool perspective,
                  double& depth) {
  const float *a = screen + 3 * tri[0], *b = screen + 3 * tri[1], *c = screen + 3 * tri[2];
  const double area =
      (double(b[0]) - a[0]) * (double(c[1]) - a[1]) - (double(b[1]) - a[1]) * (double(c[0]) - a[0]);
  if (area == 0 || !std::isfinite(area)) return false;
  const double la =
      ((double(b[0]) - u) * (double(c[1]) - v) - (double(b[1]) - v) * (double(c[0]) - u)) / area;
  const double lb =
      ((double(c[0]) - u) * (double(a[1]) - v) - (double(c[1]) - v) * (double(a[0]) - u)) / area;
  const double lc = 1.0 - la - lb;
  constexpr double kEps = 1e-7;
  if (la < -kEps || lb < -kEps || lc < -kEps) return false;
  if (!perspective) {
    depth = la * a[2] + lb * b[2] + lc * c[2];
    return true;
  }
  const double inv = la / a[2] + lb / b[2] + lc / c[2];
  if (!(inv > 0)) return false;
  depth = 1.0 / inv;
  return true;
}

}  // namespace

GroundTruthFlow ground_truth_flow(const float* screen1, const float* screen2, int64_t num_vertices,
                                  const int64_t* faces, int64_t num_faces, int height, int width,
                                  bool perspective_correct, double depth_tolerance) {
  const RasterResult r1 =
      rasterize(screen1, num_vertices, faces, num_faces, height, width, perspective_correct);
  RasterResult r2;
  RasterOptions depth_only;
  depth_only.perspective_correct = perspective_correct;
  depth_only.barycentrics = false;
  rasterize_into(screen2, num_vertices, faces, num_faces, height, width, depth_only, r2);

  if (depth_tolerance < 0) {
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (int64_t v = 0; v < num_vertices; ++v) {
      const float z = screen2[3 * v + 2];
      if (!std::isfinite(z)) continue;
      lo = std::min(lo, z);
      hi = std::max(hi, z);
    }
    depth_tolerance = hi > lo ? 0.01 * (double(hi) - lo) : 0.0;
  }

  // Faces around each vertex (CSR), and a per-face stamp to test each candidate once per pixel.
  std::vector<int64_t> adj_start(num_vertices + 1, 0), adj_faces(3 * num_faces);
  for (int64_t k = 0; k < 3 * num_faces; ++k) ++adj_start[faces[k] + 1];
  for (int64_t v = 0; v < num_vertices; ++v) adj_start[v + 1] += adj_start[v];
  {
    std::vector<int64_t> fill(adj_start.begin(), adj_start.end() - 1);
    for (int64_t k = 0; k < 3 * num_faces; ++k) adj_faces[fill[faces[k]]++] = k / 3;
  }
  std::vector<int64_t> seen(num_faces, -1);
  int64_t stamp = -1;

  GroundTruthFlow out;
  out.flow = cv::Mat::zeros(height, width, CV_32FC2);
  out.covered = cv::Mat::zeros(height, width, CV_8UC1);
  out.visible_in_2 = cv::Mat::zeros(height, width, CV_8UC1);
  for (int i = 0; i < height; ++i) {
    for (int j = 0; j < width; ++j) {
      const int64_t p = int64_t(i) * width + j;
      const int32_t f = r1.face_id[p];
      if (f < 0) continue;
      out.covered.at<uint8_t>(i, j) = 255;
      const int64_t* tri = faces + 3 * int64_t(f);
      const float* w = &r1.bary[3 * p];
      double u1, v1, z1, u2, v2, z2;
      if (!carry(screen1, tri, w, perspective_correct, u1, v1, z1) ||
          !carry(screen2, tri, w, perspective_correct, u2, v2, z2))
        continue;  // the point is behind the camera in frame 2: no flow, not visible
      out.flow.at<cv::Vec2f>(i, j) = cv::Vec2f(float(u2 - u1), float(v2 - v1));
      const double qx = std::floor(u2), qy = std::floor(v2);
      if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
      // Occluders: the faces winning the pixel centres around the point in frame 2 and the faces
      // touching them (near a silhouette the nearer surface is made of slivers that win no pixel
      // centre). The point is hidden if one of them contains it and is nearer there, by more
      // than the tolerance; comparing at the point itself, not at a pixel centre, keeps steep
      // faces from hiding points they do not cover.
      bool visible = true;
      ++stamp;
      auto occludes = [&](int64_t g) {
        if (g == f || seen[g] == stamp) return false;
        seen[g] = stamp;
        double depth = 0;
        return depth_inside(screen2, faces + 3 * g, u2, v2, perspective_correct, depth) &&
               depth + depth_tolerance < z2;
      };
      for (int64_t di = -1; di <= 1 && visible; ++di)
        for (int64_t dj = -1; dj <= 1 && visible; ++dj) {
          const int64_t y = int64_t(qy) + di, x = int64_t(qx) + dj;
          if (y < 0 || x < 0 || y >= height || x >= width) continue;
          const int32_t g = r2.face_id[y * width + x];
          if (g < 0) continue;
          for (int k = 0; k < 3 && visible; ++k) {
            const int64_t vtx = faces[3 * int64_t(g) + k];
            for (int64_t a = adj_start[vtx]; a < adj_start[vtx + 1] && visible; ++a)
              if (occludes(adj_faces[a])) visible = false;
          }
        }
      if (visible) out.visible_in_2.at<uint8_t>(i, j) = 255;
    }
  }
  return out;
}

}  // namespace motioncue::geometry
