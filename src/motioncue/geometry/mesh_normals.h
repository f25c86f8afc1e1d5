// Per-vertex normals for shading.
#pragma once

#include <cstdint>
#include <vector>

namespace motioncue::geometry {

// Area-weighted vertex normals of a mesh (V x 3 in, V x 3 unit normals out; zero where a vertex
// has no non-degenerate face).
std::vector<float> vertex_normals(const float* positions, int64_t num_vertices,
                                  const int64_t* faces, int64_t num_faces);

// Pixels per depth unit that makes a screen-space mesh (u, v, depth) roughly isotropic, assuming
// its edges point in all directions alike: mean(|du| + |dv|) / (2 mean |d depth|) over edges.
// Used to shade and to turn meshes given only in screen space; 1 when the mesh is flat.
float isotropic_depth_scale(const float* screen_xyz, const int64_t* faces, int64_t num_faces);

// Vertex normals of a screen-space mesh with depth scaled by `depth_scale` (pixels per unit).
std::vector<float> screen_space_normals(const float* screen_xyz, int64_t num_vertices,
                                        const int64_t* faces, int64_t num_faces, float depth_scale);

}  // namespace motioncue::geometry
