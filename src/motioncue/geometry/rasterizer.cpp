#include "motioncue/geometry/rasterizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "motioncue/core/error.h"

namespace motioncue::geometry {
namespace {

constexpr int kSubpixelBits = 8;
constexpr int64_t kOne = int64_t{1} << kSubpixelBits;  // one pixel in fixed point
constexpr int64_t kHalf = kOne / 2;
constexpr float kMaxAbsCoord = float(1 << 21);  // keeps every edge product below 2^61
constexpr int kMaxImageSide = 1 << 20;

struct Fixed {
  int64_t x, y;
};

inline Fixed snap(const float* p) {
  return {static_cast<int64_t>(std::llround(double(p[0]) * kOne)),
          static_cast<int64_t>(std::llround(double(p[1]) * kOne))};
}

// Edge function of the directed edge p -> q at point s: positive on the interior side of a
// triangle whose signed area (edge_value(a, b, c)) is positive.
inline int64_t edge_value(const Fixed& p, const Fixed& q, int64_t sx, int64_t sy) {
  return (q.x - p.x) * (sy - p.y) - (q.y - p.y) * (sx - p.x);
}

// Top-left rule for the orientation above (y points down): a pixel centre exactly on an edge is
// covered only by a "left" edge (dy < 0) or a "top" edge (dy == 0, dx > 0). For an edge shared
// by two triangles on its two sides the directions are opposite, so exactly one of them wins.
inline int64_t fill_bias(const Fixed& p, const Fixed& q) {
  const int64_t dx = q.x - p.x, dy = q.y - p.y;
  return (dy < 0 || (dy == 0 && dx > 0)) ? 0 : -1;
}

inline int64_t floor_div(int64_t a, int64_t b) {  // b > 0
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

bool usable(const float* p, bool perspective) {
  for (int k = 0; k < 3; ++k)
    if (!std::isfinite(p[k])) return false;
  if (std::abs(p[0]) > kMaxAbsCoord || std::abs(p[1]) > kMaxAbsCoord) return false;
  return !(perspective && !(p[2] > 0.0f));
}

// A triangle ready to scan: vertices in an order with positive signed area.
struct Setup {
  Fixed v[3];
  int order[3];  // position in the face of each of v[0..2]
  int64_t area;
};

bool setup_triangle(const float* xyz, const int64_t* face, bool perspective, Setup& t) {
  const float* p[3] = {xyz + 3 * face[0], xyz + 3 * face[1], xyz + 3 * face[2]};
  for (int k = 0; k < 3; ++k) {
    if (!usable(p[k], perspective)) return false;
    t.v[k] = snap(p[k]);
    t.order[k] = k;
  }
  t.area = edge_value(t.v[0], t.v[1], t.v[2].x, t.v[2].y);
  if (t.area == 0) return false;
  if (t.area < 0) {
    std::swap(t.v[1], t.v[2]);
    std::swap(t.order[1], t.order[2]);
    t.area = -t.area;
  }
  return true;
}

void check_inputs(int64_t num_vertices, const int64_t* faces, int64_t num_faces, int height,
                  int width) {
  if (height <= 0 || width <= 0 || height > kMaxImageSide || width > kMaxImageSide)
    throw Error("invalid raster size")
        .expected("1 to " + std::to_string(kMaxImageSide) + " pixels per side")
        .found(std::to_string(width) + " x " + std::to_string(height));
  if (num_faces < 0 || num_faces > std::numeric_limits<int32_t>::max())
    throw Error("invalid number of faces").found(std::to_string(num_faces));
  for (int64_t i = 0; i < 3 * num_faces; ++i)
    if (faces[i] < 0 || faces[i] >= num_vertices)
      throw Error("face index out of range")
          .key("faces")
          .expected("0 <= index < " + std::to_string(num_vertices))
          .found(std::to_string(faces[i]) + " in face " + std::to_string(i / 3));
}

}  // namespace

void rasterize_into(const float* screen_xyz, int64_t num_vertices, const int64_t* faces,
                    int64_t num_faces, int height, int width, const RasterOptions& options,
                    RasterResult& out) {
  check_inputs(num_vertices, faces, num_faces, height, width);
  const int64_t num_pixels = int64_t(height) * width;
  out.height = height;
  out.width = width;
  out.face_id.assign(num_pixels, -1);
  out.depth.assign(num_pixels, std::numeric_limits<float>::infinity());
  int32_t* face_id = out.face_id.data();
  float* zbuf = out.depth.data();
  const bool persp = options.perspective_correct;

  for (int64_t f = 0; f < num_faces; ++f) {
    const int64_t* face = faces + 3 * f;
    Setup t;
    if (!setup_triangle(screen_xyz, face, persp, t)) continue;
    const Fixed &a = t.v[0], &b = t.v[1], &c = t.v[2];

    // Pixel columns/rows whose centre j * kOne + kHalf lies in the bounding box.
    const int64_t min_x = std::min({a.x, b.x, c.x}), max_x = std::max({a.x, b.x, c.x});
    const int64_t min_y = std::min({a.y, b.y, c.y}), max_y = std::max({a.y, b.y, c.y});
    const int64_t j0 = std::max<int64_t>(0, floor_div(min_x - kHalf + kOne - 1, kOne));
    const int64_t j1 = std::min<int64_t>(width - 1, floor_div(max_x - kHalf, kOne));
    const int64_t i0 = std::max<int64_t>(0, floor_div(min_y - kHalf + kOne - 1, kOne));
    const int64_t i1 = std::min<int64_t>(height - 1, floor_div(max_y - kHalf, kOne));
    if (j0 > j1 || i0 > i1) continue;

    // Depth at a pixel from the three edge values (weights of the opposite vertices).
    float z[3];
    for (int k = 0; k < 3; ++k) {
      const float zk = screen_xyz[3 * face[t.order[k]] + 2];
      z[k] = persp ? 1.0f / zk : zk;
    }
    const float inv_area = 1.0f / float(t.area);

    // w0 weighs a (edge b->c), w1 weighs b (edge c->a), w2 weighs c (edge a->b).
    const int64_t bias0 = fill_bias(b, c), bias1 = fill_bias(c, a), bias2 = fill_bias(a, b);
    const int64_t step_x0 = -(c.y - b.y) * kOne, step_x1 = -(a.y - c.y) * kOne,
                  step_x2 = -(b.y - a.y) * kOne;
    const int64_t step_y0 = (c.x - b.x) * kOne, step_y1 = (a.x - c.x) * kOne,
                  step_y2 = (b.x - a.x) * kOne;
    const int64_t sx = j0 * kOne + kHalf, sy = i0 * kOne + kHalf;
    int64_t row0 = edge_value(b, c, sx, sy) + bias0;
    int64_t row1 = edge_value(c, a, sx, sy) + bias1;
    int64_t row2 = edge_value(a, b, sx, sy) + bias2;
    const int32_t fid = static_cast<int32_t>(f);

    for (int64_t i = i0; i <= i1; ++i) {
      int64_t w0 = row0, w1 = row1, w2 = row2;
      const int64_t base = i * width;
      for (int64_t j = j0; j <= j1; ++j) {
        if ((w0 | w1 | w2) >= 0) {
          const float l0 = float(w0 - bias0), l1 = float(w1 - bias1), l2 = float(w2 - bias2);
          float depth = (l0 * z[0] + l1 * z[1] + l2 * z[2]) * inv_area;
          if (persp) depth = 1.0f / depth;
          float& zb = zbuf[base + j];
          if (depth < zb) {
            zb = depth;
            face_id[base + j] = fid;
          }
        }
        w0 += step_x0;
        w1 += step_x1;
        w2 += step_x2;
      }
      row0 += step_y0;
      row1 += step_y1;
      row2 += step_y2;
    }
  }

  if (!options.barycentrics) {
    out.bary.clear();
    return;
  }
  out.bary.assign(num_pixels * 3, 0.0f);
  for (int64_t i = 0; i < height; ++i) {
    for (int64_t j = 0; j < width; ++j) {
      const int64_t idx = i * width + j;
      const int32_t f = face_id[idx];
      if (f < 0) continue;
      const int64_t* face = faces + 3 * int64_t(f);
      Setup t;
      setup_triangle(screen_xyz, face, persp, t);  // succeeded during the scan
      const int64_t sx = j * kOne + kHalf, sy = i * kOne + kHalf;
      const double e[3] = {double(edge_value(t.v[1], t.v[2], sx, sy)),
                           double(edge_value(t.v[2], t.v[0], sx, sy)),
                           double(edge_value(t.v[0], t.v[1], sx, sy))};
      double w[3];
      for (int k = 0; k < 3; ++k) w[t.order[k]] = e[k] / double(t.area);
      if (persp) {
        double sum = 0;
        for (int k = 0; k < 3; ++k) {
          w[k] /= double(screen_xyz[3 * face[k] + 2]);
          sum += w[k];
        }
        for (double& wk : w) wk /= sum;
      }
      for (int k = 0; k < 3; ++k) out.bary[idx * 3 + k] = static_cast<float>(w[k]);
    }
  }
}

RasterResult rasterize(const float* screen_xyz, int64_t num_vertices, const int64_t* faces,
                       int64_t num_faces, int height, int width, bool perspective_correct) {
  RasterResult out;
  RasterOptions options;
  options.perspective_correct = perspective_correct;
  rasterize_into(screen_xyz, num_vertices, faces, num_faces, height, width, options, out);
  return out;
}

namespace {

void mark_visible(const RasterResult& raster, const int64_t* faces, int64_t num_vertices,
                  uint8_t* visible) {
  int32_t last = -1;
  for (const int32_t f : raster.face_id) {
    if (f < 0 || f == last) continue;  // runs of one face are common
    last = f;
    for (int k = 0; k < 3; ++k) {
      const int64_t v = faces[3 * int64_t(f) + k];
      if (v < 0 || v >= num_vertices)
        throw Error("face index out of range")
            .key("faces")
            .expected("0 <= index < " + std::to_string(num_vertices))
            .found(std::to_string(v));
      visible[v] = 1;
    }
  }
}

}  // namespace

std::vector<uint8_t> visible_vertices(const RasterResult& raster, const int64_t* faces,
                                      int64_t num_vertices) {
  std::vector<uint8_t> visible(num_vertices, 0);
  mark_visible(raster, faces, num_vertices, visible.data());
  return visible;
}

}  // namespace motioncue::geometry
