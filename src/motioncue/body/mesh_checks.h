// Topological and geometric checks of a triangle mesh: closed (watertight), manifold,
// consistently oriented, outward facing, connected.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace motioncue::body {

struct MeshCheck {
  std::int64_t vertices = 0, faces = 0;
  std::int64_t boundary_edges = 0;        // used by one face
  std::int64_t nonmanifold_edges = 0;     // used by more than two faces
  std::int64_t misoriented_edges = 0;     // two faces traverse it in the same direction
  std::int64_t nonmanifold_vertices = 0;  // faces around the vertex form more than one fan
  std::int64_t unused_vertices = 0;
  std::int64_t degenerate_faces = 0;  // a repeated vertex index
  std::int64_t components = 0;
  double signed_volume = 0.0;  // > 0 when the faces are counter-clockwise from outside

  bool watertight() const { return boundary_edges == 0 && nonmanifold_edges == 0; }
  bool manifold() const {
    return nonmanifold_edges == 0 && nonmanifold_vertices == 0 && degenerate_faces == 0;
  }
  bool oriented() const { return misoriented_edges == 0 && signed_volume > 0; }
  bool ok() const { return watertight() && manifold() && oriented() && components == 1; }
  std::string summary() const;
};

// vertices: V*3 coordinates (x, y, z per vertex); faces: F triangles.
MeshCheck check_mesh(const std::vector<double>& vertices,
                     const std::vector<std::array<std::int64_t, 3>>& faces);

}  // namespace motioncue::body

namespace motioncue::body {

// Generalised winding number of a closed, outward-oriented mesh around a point: ~1 inside,
// ~0 outside.
double winding_number(const std::vector<double>& vertices,
                      const std::vector<std::array<std::int64_t, 3>>& faces, const double point[3]);

}  // namespace motioncue::body
