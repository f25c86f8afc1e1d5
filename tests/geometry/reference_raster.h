// Slow, obviously-correct references the rasteriser is tested against: a per-pixel ray cast
// (Moller-Trumbore in double) against every triangle.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace motioncue::geometry::testing {

struct RayHit {
  int64_t face = -1;
  double t = std::numeric_limits<double>::infinity();         // depth along the ray's z
  double second_t = std::numeric_limits<double>::infinity();  // nearest other hit
  double bary[3] = {0, 0, 0};
  bool edge_tie = false;  // some hit lies exactly on (or within eps of) a triangle's edge
};

// Ray origin o, direction d; triangle p0 p1 p2 (3D). Returns hit parameter, barycentrics.
// `edge` is set when the hit is within `eps` (in barycentric units) of an edge.
inline bool ray_triangle(const double* o, const double* d, const double* p0, const double* p1,
                         const double* p2, double& t, double* bary, bool& edge, double eps) {
  double e1[3], e2[3], s[3], h[3], q[3];
  for (int k = 0; k < 3; ++k) {
    e1[k] = p1[k] - p0[k];
    e2[k] = p2[k] - p0[k];
    s[k] = o[k] - p0[k];
  }
  h[0] = d[1] * e2[2] - d[2] * e2[1];
  h[1] = d[2] * e2[0] - d[0] * e2[2];
  h[2] = d[0] * e2[1] - d[1] * e2[0];
  const double a = e1[0] * h[0] + e1[1] * h[1] + e1[2] * h[2];
  if (std::abs(a) < 1e-300) return false;
  const double u = (s[0] * h[0] + s[1] * h[1] + s[2] * h[2]) / a;
  q[0] = s[1] * e1[2] - s[2] * e1[1];
  q[1] = s[2] * e1[0] - s[0] * e1[2];
  q[2] = s[0] * e1[1] - s[1] * e1[0];
  const double v = (d[0] * q[0] + d[1] * q[1] + d[2] * q[2]) / a;
  const double w = 1.0 - u - v;
  if (u < -eps || v < -eps || w < -eps) return false;
  edge = u <= eps || v <= eps || w <= eps;
  t = (e2[0] * q[0] + e2[1] * q[1] + e2[2] * q[2]) / a;
  bary[0] = w;
  bary[1] = u;
  bary[2] = v;
  return true;
}

// Orthographic ray cast: pixel (i, j) shoots the line (j + 0.5, i + 0.5, t) along +z (any t)
// through the screen-space triangles (u, v, depth).
inline std::vector<RayHit> ray_cast_orthographic(const std::vector<float>& xyz,
                                                 const std::vector<int64_t>& faces, int height,
                                                 int width, double eps = 1e-9) {
  std::vector<RayHit> hits(size_t(height) * width);
  const int64_t nf = int64_t(faces.size() / 3);
  for (int i = 0; i < height; ++i)
    for (int j = 0; j < width; ++j) {
      RayHit& best = hits[size_t(i) * width + j];
      const double o[3] = {j + 0.5, i + 0.5, 0.0}, d[3] = {0, 0, 1};
      for (int64_t f = 0; f < nf; ++f) {
        double p[3][3];
        for (int k = 0; k < 3; ++k)
          for (int c = 0; c < 3; ++c) p[k][c] = xyz[3 * faces[3 * f + k] + c];
        double t, b[3];
        bool edge = false;
        if (!ray_triangle(o, d, p[0], p[1], p[2], t, b, edge, eps)) continue;
        best.edge_tie |= edge;
        if (t < best.t) {
          best.second_t = best.t;
          best.t = t;
          best.face = f;
          for (int k = 0; k < 3; ++k) best.bary[k] = b[k];
        } else if (t < best.second_t) {
          best.second_t = t;
        }
      }
    }
  return hits;
}

// Perspective ray cast: camera-frame triangles, rays from the origin through the pixel centres
// of a pinhole camera (fx, fy, cx, cy); t reported as the hit's z.
inline std::vector<RayHit> ray_cast_pinhole(const std::vector<float>& cam_xyz,
                                            const std::vector<int64_t>& faces, int height,
                                            int width, double fx, double fy, double cx, double cy,
                                            double eps = 1e-9) {
  std::vector<RayHit> hits(size_t(height) * width);
  const int64_t nf = int64_t(faces.size() / 3);
  for (int i = 0; i < height; ++i)
    for (int j = 0; j < width; ++j) {
      RayHit& best = hits[size_t(i) * width + j];
      const double o[3] = {0, 0, 0}, d[3] = {(j + 0.5 - cx) / fx, (i + 0.5 - cy) / fy, 1.0};
      for (int64_t f = 0; f < nf; ++f) {
        double p[3][3];
        for (int k = 0; k < 3; ++k)
          for (int c = 0; c < 3; ++c) p[k][c] = cam_xyz[3 * faces[3 * f + k] + c];
        double t, b[3];
        bool edge = false;
        if (!ray_triangle(o, d, p[0], p[1], p[2], t, b, edge, eps) || t <= 0) continue;
        best.edge_tie |= edge;
        if (t < best.t) {
          best.second_t = best.t;
          best.t = t;
          best.face = f;
          for (int k = 0; k < 3; ++k) best.bary[k] = b[k];
        } else if (t < best.second_t) {
          best.second_t = t;
        }
      }
    }
  return hits;
}

// Random triangles with vertices on the 1/256-pixel grid (so the rasteriser's snapping is exact)
// spread a little beyond a width x height image, depths in [0, 1).
inline void random_triangles(int count, int height, int width, uint32_t seed,
                             std::vector<float>& xyz, std::vector<int64_t>& faces) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> ux(-0.2 * width, 1.2 * width),
      uy(-0.2 * height, 1.2 * height), uz(0.0, 1.0), size(1.0, 0.4 * width);
  xyz.clear();
  faces.clear();
  for (int t = 0; t < count; ++t) {
    const double cx = ux(rng), cy = uy(rng), r = size(rng);
    std::uniform_real_distribution<double> off(-r, r);
    for (int k = 0; k < 3; ++k) {
      xyz.push_back(float(std::round((cx + off(rng)) * 256) / 256));
      xyz.push_back(float(std::round((cy + off(rng)) * 256) / 256));
      xyz.push_back(float(uz(rng)));
      faces.push_back(3 * t + k);
    }
  }
}

}  // namespace motioncue::geometry::testing
