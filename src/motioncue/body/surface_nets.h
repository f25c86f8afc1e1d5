// Isosurface extraction by surface nets: one vertex per grid cell that the surface crosses, one
// quad (two triangles) per crossed grid edge. The result is closed by construction; faces are
// counter-clockwise seen from outside (where the function is positive).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "motioncue/body/open_body_shape.h"

namespace motioncue::body::open_model {

struct TriangleMesh {
  std::vector<Vec3> vertices;
  std::vector<std::array<std::int64_t, 3>> faces;
};

// Samples f on the grid lo + (i, j, k) * spacing covering `box`, and meshes {f = 0}.
// The box must contain the whole surface (f > 0 on its boundary).
TriangleMesh surface_nets(const std::function<double(Vec3)>& f, const Box& box, double spacing);

}  // namespace motioncue::body::open_model
