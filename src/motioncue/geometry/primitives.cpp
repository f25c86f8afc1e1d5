#include "motioncue/geometry/primitives.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "motioncue/core/error.h"

namespace motioncue::geometry {

TriangleMesh icosphere(int subdivisions) {
  if (subdivisions < 0 || subdivisions > 8)
    throw Error("icosphere subdivisions out of range")
        .expected("0..8")
        .found(std::to_string(subdivisions));
  const float g = (1.0f + std::sqrt(5.0f)) / 2.0f;
  std::vector<float> v = {-1, g,  0,  1, g, 0,  -1, -g, 0,  1, -g, 0, 0,  -1, g,  0,  1, g,
                          0,  -1, -g, 0, 1, -g, g,  0,  -1, g, 0,  1, -g, 0,  -1, -g, 0, 1};
  std::vector<int64_t> f = {0, 11, 5,  0, 5,  1, 0, 1, 7, 0, 7,  10, 0, 10, 11, 1, 5, 9, 5, 11,
                            4, 11, 10, 2, 10, 7, 6, 7, 1, 8, 3,  9,  4, 3,  4,  2, 3, 2, 6, 3,
                            6, 8,  3,  8, 9,  4, 9, 5, 2, 4, 11, 6,  2, 10, 8,  6, 7, 9, 8, 1};
  auto normalise = [&](int64_t i) {
    const float n =
        std::sqrt(v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2]);
    for (int k = 0; k < 3; ++k) v[3 * i + k] /= n;
  };
  for (int64_t i = 0; i < 12; ++i) normalise(i);
  for (int s = 0; s < subdivisions; ++s) {
    std::map<std::pair<int64_t, int64_t>, int64_t> midpoint;
    auto mid = [&](int64_t a, int64_t b) {
      const std::pair<int64_t, int64_t> key(std::min(a, b), std::max(a, b));
      const auto it = midpoint.find(key);
      if (it != midpoint.end()) return it->second;
      const int64_t id = int64_t(v.size() / 3);
      for (int k = 0; k < 3; ++k) v.push_back(0.5f * (v[3 * a + k] + v[3 * b + k]));
      normalise(id);
      midpoint.emplace(key, id);
      return id;
    };
    std::vector<int64_t> next;
    next.reserve(f.size() * 4);
    for (size_t t = 0; t < f.size(); t += 3) {
      const int64_t a = f[t], b = f[t + 1], c = f[t + 2];
      const int64_t ab = mid(a, b), bc = mid(b, c), ca = mid(c, a);
      for (int64_t x : {a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca}) next.push_back(x);
    }
    f = std::move(next);
  }
  return {std::move(v), std::move(f)};
}

TriangleMesh uv_sphere(int rings, int segments) {
  if (rings < 2 || segments < 3)
    throw Error("uv sphere too coarse")
        .expected("rings >= 2, segments >= 3")
        .found(std::to_string(rings) + ", " + std::to_string(segments));
  TriangleMesh m;
  m.vertices = {0, 1, 0};  // north pole (y up)
  for (int r = 1; r < rings; ++r) {
    const double th = M_PI * r / rings;
    for (int s = 0; s < segments; ++s) {
      const double ph = 2 * M_PI * s / segments;
      m.vertices.push_back(float(std::sin(th) * std::sin(ph)));
      m.vertices.push_back(float(std::cos(th)));
      m.vertices.push_back(float(std::sin(th) * std::cos(ph)));
    }
  }
  m.vertices.insert(m.vertices.end(), {0, -1, 0});
  const int64_t south = m.num_vertices() - 1;
  auto id = [&](int r, int s) { return int64_t(1 + (r - 1) * segments + (s % segments)); };
  for (int s = 0; s < segments; ++s) m.faces.insert(m.faces.end(), {0, id(1, s), id(1, s + 1)});
  for (int r = 1; r + 1 < rings; ++r)
    for (int s = 0; s < segments; ++s) {
      m.faces.insert(m.faces.end(), {id(r, s), id(r + 1, s), id(r + 1, s + 1)});
      m.faces.insert(m.faces.end(), {id(r, s), id(r + 1, s + 1), id(r, s + 1)});
    }
  for (int s = 0; s < segments; ++s)
    m.faces.insert(m.faces.end(), {id(rings - 1, s), south, id(rings - 1, s + 1)});
  return m;
}

TriangleMesh grid_square(int n, float x0, float y0, float size, float z) {
  if (n < 1) throw Error("grid needs at least one cell").found(std::to_string(n));
  TriangleMesh m;
  for (int i = 0; i <= n; ++i)
    for (int j = 0; j <= n; ++j)
      m.vertices.insert(m.vertices.end(), {x0 + size * j / n, y0 + size * i / n, z});
  auto id = [&](int i, int j) { return int64_t(i) * (n + 1) + j; };
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      m.faces.insert(m.faces.end(), {id(i, j), id(i, j + 1), id(i + 1, j + 1)});
      m.faces.insert(m.faces.end(), {id(i, j), id(i + 1, j + 1), id(i + 1, j)});
    }
  return m;
}

}  // namespace motioncue::geometry
