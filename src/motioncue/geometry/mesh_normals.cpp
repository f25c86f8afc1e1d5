#include "motioncue/geometry/mesh_normals.h"

#include <opencv2/core.hpp>

#include <cmath>

namespace motioncue::geometry {

std::vector<float> vertex_normals(const float* positions, int64_t num_vertices,
                                  const int64_t* faces, int64_t num_faces) {
  // Summed in float: the synthetic benchmark's frames were made with exactly this arithmetic.
  std::vector<float> n(size_t(num_vertices) * 3, 0.0f);
  for (int64_t f = 0; f < num_faces; ++f) {
    const int64_t* t = faces + 3 * f;
    const cv::Vec3f a(positions + 3 * t[0]), b(positions + 3 * t[1]), c(positions + 3 * t[2]);
    // The cross product's length is twice the area: summing it weighs faces by area.
    const cv::Vec3f fn = (b - a).cross(c - a);
    for (int k = 0; k < 3; ++k)
      for (int d = 0; d < 3; ++d) n[3 * t[k] + d] += fn[d];
  }
  for (int64_t v = 0; v < num_vertices; ++v) {
    const float len = float(cv::norm(cv::Vec3f(&n[3 * v])));
    if (len > 0)
      for (int d = 0; d < 3; ++d) n[3 * v + d] /= len;
  }
  return n;
}

float isotropic_depth_scale(const float* screen_xyz, const int64_t* faces, int64_t num_faces) {
  double planar = 0, depth = 0;
  for (int64_t f = 0; f < num_faces; ++f)
    for (int k = 0; k < 3; ++k) {
      const float* p = screen_xyz + 3 * faces[3 * f + k];
      const float* q = screen_xyz + 3 * faces[3 * f + (k + 1) % 3];
      if (!(std::isfinite(p[2]) && std::isfinite(q[2]))) continue;
      planar += std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]);
      depth += std::abs(p[2] - q[2]);
    }
  if (!(depth > 0) || !(planar > 0)) return 1.0f;
  return float(planar / (2 * depth));
}

std::vector<float> screen_space_normals(const float* screen_xyz, int64_t num_vertices,
                                        const int64_t* faces, int64_t num_faces,
                                        float depth_scale) {
  std::vector<float> scaled(screen_xyz, screen_xyz + 3 * num_vertices);
  for (int64_t v = 0; v < num_vertices; ++v) scaled[3 * v + 2] *= depth_scale;
  return vertex_normals(scaled.data(), num_vertices, faces, num_faces);
}

}  // namespace motioncue::geometry
