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

// Round to nearest (even on ties) without a libm call: adding and subtracting 1.5 * 2^52 leaves
// the rounded value for |x| < 2^51 (ours are below 2^30). Scaling by kOne is exact.
inline int64_t round_to_int(double x) {
  constexpr double kMagic = 6755399441055744.0;
  return static_cast<int64_t>((x + kMagic) - kMagic);
}

inline Fixed snap(const float* p) {
  return {round_to_int(double(p[0]) * kOne), round_to_int(double(p[1]) * kOne)};
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

// floor(a / kOne): an arithmetic right shift (C++20 guarantees it; GCC and Clang always did).
inline int64_t floor_pixels(int64_t a) { return a >> kSubpixelBits; }

// A vertex snapped to the fixed-point grid, with the depth quantity that is linear in screen
// space (depth, or 1/depth with perspective), or marked unusable.
struct SnappedVertex {
  Fixed p;
  double z;
  bool ok;
};

void snap_vertices(const float* xyz, int64_t n, bool perspective, SnappedVertex* out) {
  for (int64_t i = 0; i < n; ++i) {
    const float* p = xyz + 3 * i;
    SnappedVertex& s = out[i];
    s.ok = std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2]) &&
           std::abs(p[0]) <= kMaxAbsCoord && std::abs(p[1]) <= kMaxAbsCoord &&
           !(perspective && !(p[2] > 0.0f));
    if (!s.ok) continue;
    s.p = snap(p);
    s.z = perspective ? 1.0 / double(p[2]) : double(p[2]);
  }
}

// A triangle ready to scan: vertices in an order with positive signed area.
struct Setup {
  Fixed v[3];
  double z[3];
  int order[3];  // position in the face of each of v[0..2]
  int64_t area;
};

inline bool setup_triangle(const SnappedVertex* verts, const int64_t* face, Setup& t) {
  const SnappedVertex &a = verts[face[0]], &b = verts[face[1]], &c = verts[face[2]];
  if (!(a.ok && b.ok && c.ok)) return false;
  t.area = edge_value(a.p, b.p, c.p.x, c.p.y);
  if (t.area == 0) return false;
  const bool flip = t.area < 0;
  const SnappedVertex& second = flip ? c : b;
  const SnappedVertex& third = flip ? b : c;
  t.v[0] = a.p;
  t.v[1] = second.p;
  t.v[2] = third.p;
  t.z[0] = a.z;
  t.z[1] = second.z;
  t.z[2] = third.z;
  t.order[0] = 0;
  t.order[1] = flip ? 2 : 1;
  t.order[2] = flip ? 1 : 2;
  if (flip) t.area = -t.area;
  return true;
}

void check_inputs(int64_t num_vertices, const int64_t* faces, int64_t num_faces, int height,
                  int width) {
  if (height <= 0 || width <= 0 || height > kMaxImageSide || width > kMaxImageSide)
    throw Error("invalid raster size")
        .expected("1 to " + std::to_string(kMaxImageSide) + " pixels per side")
        .found(std::to_string(width) + " x " + std::to_string(height));
  if (num_vertices < 0)
    throw Error("invalid number of vertices").found(std::to_string(num_vertices));
  if (num_faces < 0 || num_faces > std::numeric_limits<int32_t>::max())
    throw Error("invalid number of faces").found(std::to_string(num_faces));
  for (int64_t i = 0; i < 3 * num_faces; ++i)
    if (faces[i] < 0 || faces[i] >= num_vertices)
      throw Error("face index out of range")
          .key("faces")
          .expected("0 <= index < " + std::to_string(num_vertices))
          .found(std::to_string(faces[i]) + " in face " + std::to_string(i / 3));
}

template <bool kBary>
void scan_faces(const SnappedVertex* verts, const int64_t* faces, int64_t num_faces, int height,
                int width, bool persp, int32_t* face_id, float* zbuf, float* bary) {
  for (int64_t f = 0; f < num_faces; ++f) {
    const int64_t* face = faces + 3 * f;
    Setup t;
    if (!setup_triangle(verts, face, t)) continue;
    const Fixed &a = t.v[0], &b = t.v[1], &c = t.v[2];

    // Pixel columns/rows whose centre j * kOne + kHalf lies in the bounding box.
    const int64_t min_x = std::min({a.x, b.x, c.x}), max_x = std::max({a.x, b.x, c.x});
    const int64_t min_y = std::min({a.y, b.y, c.y}), max_y = std::max({a.y, b.y, c.y});
    const int64_t j0 = std::max<int64_t>(0, floor_pixels(min_x - kHalf + kOne - 1));
    const int64_t j1 = std::min<int64_t>(width - 1, floor_pixels(max_x - kHalf));
    const int64_t i0 = std::max<int64_t>(0, floor_pixels(min_y - kHalf + kOne - 1));
    const int64_t i1 = std::min<int64_t>(height - 1, floor_pixels(max_y - kHalf));
    if (j0 > j1 || i0 > i1) continue;

    // Depth at a pixel from the three edge values (weights of the opposite vertices).
    const double* z = t.z;
    const double inv_area = 1.0 / double(t.area);
    const int o0 = t.order[0], o1 = t.order[1], o2 = t.order[2];

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

    // Depth (or 1/depth) is linear in screen space: a plane stepped per column, in double.
    const double dz_dx =
        (double(step_x0) * z[0] + double(step_x1) * z[1] + double(step_x2) * z[2]) * inv_area;
    for (int64_t i = i0; i <= i1; ++i) {
      int64_t w0 = row0, w1 = row1, w2 = row2;
      double zplane =
          (double(w0 - bias0) * z[0] + double(w1 - bias1) * z[1] + double(w2 - bias2) * z[2]) *
          inv_area;
      const int64_t base = i * width;
      for (int64_t j = j0; j <= j1; ++j) {
        if ((w0 | w1 | w2) >= 0) {
          const float depth = persp ? float(1.0 / zplane) : float(zplane);
          float& zb = zbuf[base + j];
          if (depth < zb) {
            zb = depth;
            face_id[base + j] = fid;
            if constexpr (kBary) {
              float* out = bary + 3 * (base + j);
              out[o0] = float(double(w0 - bias0) * inv_area);
              out[o1] = float(double(w1 - bias1) * inv_area);
              out[o2] = float(double(w2 - bias2) * inv_area);
            }
          }
        }
        zplane += dz_dx;
        w0 += step_x0;
        w1 += step_x1;
        w2 += step_x2;
      }
      row0 += step_y0;
      row1 += step_y1;
      row2 += step_y2;
    }
  }
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
  const bool persp = options.perspective_correct;
  thread_local std::vector<SnappedVertex> verts;  // scratch, reused across calls
  verts.resize(num_vertices);
  snap_vertices(screen_xyz, num_vertices, persp, verts.data());
  if (!options.barycentrics) {
    out.bary.clear();
    scan_faces<false>(verts.data(), faces, num_faces, height, width, persp, out.face_id.data(),
                      out.depth.data(), nullptr);
    return;
  }
  out.bary.assign(num_pixels * 3, 0.0f);
  scan_faces<true>(verts.data(), faces, num_faces, height, width, persp, out.face_id.data(),
                   out.depth.data(), out.bary.data());
  if (!persp) return;
  // Screen-space weights -> weights of the 3D surface point: divide by depth and renormalise.
  for (int64_t p = 0; p < num_pixels; ++p) {
    const int32_t f = out.face_id[p];
    if (f < 0) continue;
    float* w = &out.bary[3 * p];
    double q[3], sum = 0;
    for (int k = 0; k < 3; ++k) {
      q[k] = double(w[k]) / double(screen_xyz[3 * faces[3 * int64_t(f) + k] + 2]);
      sum += q[k];
    }
    for (int k = 0; k < 3; ++k) w[k] = float(q[k] / sum);
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
