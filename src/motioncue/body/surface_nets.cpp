#include "motioncue/body/surface_nets.h"

#include <cmath>

#include "motioncue/core/error.h"

namespace motioncue::body::open_model {

TriangleMesh surface_nets(const std::function<double(Vec3)>& f, const Box& box, double spacing) {
  const int nx = static_cast<int>(std::ceil((box.hi.x - box.lo.x) / spacing)) + 1;
  const int ny = static_cast<int>(std::ceil((box.hi.y - box.lo.y) / spacing)) + 1;
  const int nz = static_cast<int>(std::ceil((box.hi.z - box.lo.z) / spacing)) + 1;
  auto node = [&](int i, int j, int k) {
    return static_cast<std::size_t>((static_cast<std::int64_t>(k) * ny + j) * nx + i);
  };
  auto position = [&](int i, int j, int k) {
    return Vec3{box.lo.x + i * spacing, box.lo.y + j * spacing, box.lo.z + k * spacing};
  };
  std::vector<double> value(static_cast<std::size_t>(nx) * ny * nz);
  for (int k = 0; k < nz; ++k) {
    for (int j = 0; j < ny; ++j) {
      for (int i = 0; i < nx; ++i) {
        double v = f(position(i, j, k));
        // A value of exactly zero would make the sign test ambiguous: treat it as outside.
        if (v == 0.0) v = 1e-12;
        if ((i == 0 || j == 0 || k == 0 || i == nx - 1 || j == ny - 1 || k == nz - 1) && v < 0) {
          throw Error("the body surface leaves the meshing box");
        }
        value[node(i, j, k)] = v;
      }
    }
  }

  // One vertex per crossed cell, at the mean of its edge crossings.
  TriangleMesh mesh;
  std::vector<std::int64_t> cell_vertex(static_cast<std::size_t>(nx) * ny * nz, -1);
  static const int corner[8][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0},
                                   {0, 0, 1}, {1, 0, 1}, {0, 1, 1}, {1, 1, 1}};
  static const int edge[12][2] = {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {0, 2}, {1, 3},
                                  {4, 6}, {5, 7}, {0, 4}, {1, 5}, {2, 6}, {3, 7}};
  for (int k = 0; k + 1 < nz; ++k) {
    for (int j = 0; j + 1 < ny; ++j) {
      for (int i = 0; i + 1 < nx; ++i) {
        double v[8];
        int inside = 0;
        for (int c = 0; c < 8; ++c) {
          v[c] = value[node(i + corner[c][0], j + corner[c][1], k + corner[c][2])];
          inside += v[c] < 0;
        }
        if (inside == 0 || inside == 8) continue;
        Vec3 sum{};
        int count = 0;
        for (const auto& e : edge) {
          const double a = v[e[0]], b = v[e[1]];
          if ((a < 0) == (b < 0)) continue;
          const double t = a / (a - b);
          const Vec3 pa = position(i + corner[e[0]][0], j + corner[e[0]][1], k + corner[e[0]][2]);
          const Vec3 pb = position(i + corner[e[1]][0], j + corner[e[1]][1], k + corner[e[1]][2]);
          sum = sum + (pa + t * (pb - pa));
          ++count;
        }
        cell_vertex[node(i, j, k)] = static_cast<std::int64_t>(mesh.vertices.size());
        mesh.vertices.push_back((1.0 / count) * sum);
      }
    }
  }

  // One quad per crossed edge, joining the four cells around it, split along its shorter
  // diagonal. Cells are listed counter-clockwise seen from the positive end of the edge's axis.
  auto add_quad = [&](std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d, bool flip) {
    if (flip) std::swap(b, d);
    const auto& V = mesh.vertices;
    if (norm(V[a] - V[c]) <= norm(V[b] - V[d])) {
      mesh.faces.push_back({a, b, c});
      mesh.faces.push_back({a, c, d});
    } else {
      mesh.faces.push_back({a, b, d});
      mesh.faces.push_back({b, c, d});
    }
  };
  auto cell = [&](int i, int j, int k) { return cell_vertex[node(i, j, k)]; };
  for (int k = 1; k + 1 < nz; ++k) {
    for (int j = 1; j + 1 < ny; ++j) {
      for (int i = 1; i + 1 < nx; ++i) {
        const double v0 = value[node(i, j, k)];
        // Edge along +x: the surface's outward normal points along +x when the start is inside.
        if (i + 1 < nx && (v0 < 0) != (value[node(i + 1, j, k)] < 0)) {
          add_quad(cell(i, j - 1, k - 1), cell(i, j, k - 1), cell(i, j, k), cell(i, j - 1, k),
                   v0 >= 0);
        }
        if (j + 1 < ny && (v0 < 0) != (value[node(i, j + 1, k)] < 0)) {
          add_quad(cell(i - 1, j, k - 1), cell(i - 1, j, k), cell(i, j, k), cell(i, j, k - 1),
                   v0 >= 0);
        }
        if (k + 1 < nz && (v0 < 0) != (value[node(i, j, k + 1)] < 0)) {
          add_quad(cell(i - 1, j - 1, k), cell(i, j - 1, k), cell(i, j, k), cell(i - 1, j, k),
                   v0 >= 0);
        }
      }
    }
  }
  return mesh;
}

}  // namespace motioncue::body::open_model
