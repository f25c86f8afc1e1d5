#include "motioncue/geometry/mesh_normals.h"

#include <cmath>

namespace motioncue::geometry {

std::vector<float> vertex_normals(const float* positions, int64_t num_vertices,
                                  const int64_t* faces, int64_t num_faces) {
  std::vector<double> acc(size_t(num_vertices) * 3, 0.0);
  for (int64_t f = 0; f < num_faces; ++f) {
    const int64_t* t = faces + 3 * f;
    const float *a = positions + 3 * t[0], *b = positions + 3 * t[1], *c = positions + 3 * t[2];
    const double e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    const double e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    // The cross product's length is twice the area: summing it weighs faces by area.
    const double n[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2],
                         e1[0] * e2[1] - e1[1] * e2[0]};
    for (int k = 0; k < 3; ++k)
      for (int c3 = 0; c3 < 3; ++c3) acc[3 * t[k] + c3] += n[c3];
  }
  std::vector<float> out(acc.size(), 0.0f);
  for (int64_t v = 0; v < num_vertices; ++v) {
    const double* n = &acc[3 * v];
    const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (len > 0)
      for (int k = 0; k < 3; ++k) out[3 * v + k] = float(n[k] / len);
  }
  return out;
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
