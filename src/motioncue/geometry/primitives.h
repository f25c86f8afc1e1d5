// Small procedural meshes for tests, benchmarks and pictures (no body model needed).
#pragma once

#include <cstdint>
#include <vector>

namespace motioncue::geometry {

struct TriangleMesh {
  std::vector<float> vertices;  // V x 3
  std::vector<int64_t> faces;   // F x 3, counter-clockwise seen from outside (y up, right-handed)
  int64_t num_vertices() const { return int64_t(vertices.size() / 3); }
  int64_t num_faces() const { return int64_t(faces.size() / 3); }
};

// Unit sphere by repeated 4-way subdivision of an icosahedron: 10 * 4^s + 2 vertices.
TriangleMesh icosphere(int subdivisions);
// Unit sphere from `rings` latitude bands and `segments` longitudes:
// (rings - 1) * segments + 2 vertices, 2 * (rings - 1) * segments faces.
TriangleMesh uv_sphere(int rings, int segments);
// The square [x0, x0 + size] x [y0, y0 + size] at depth z, split into n x n cells of two
// triangles each.
TriangleMesh grid_square(int n, float x0, float y0, float size, float z = 0.0f);

}  // namespace motioncue::geometry
