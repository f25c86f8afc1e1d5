// CPU triangle rasteriser: per-pixel face id, barycentric coordinates and depth (z-buffer), and
// vertex visibility (docs/METHOD.md section 4).
//
// Conventions: pixel (i, j) (row i, column j) is covered by a triangle when its centre
// (j + 0.5, i + 0.5) is inside, with a top-left fill rule, so triangles sharing an edge leave no
// cracks and never both cover a pixel. Vertices are snapped to 1/256 pixel and edge functions are
// evaluated exactly in integers. Both windings are rasterised (no culling). The nearest triangle
// (smallest depth) wins; on an exact depth tie the lower face index wins.
// Triangles with a non-finite coordinate, a coordinate beyond +-2^21 pixels or, with
// perspective_correct, a vertex at depth <= 0 (at or behind the camera) are skipped.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace motioncue::geometry {

struct RasterResult {
  int height = 0, width = 0;
  std::vector<int32_t> face_id;  // H * W, -1 = empty
  std::vector<float> bary;       // H * W * 3, weights of the face's vertices in face order
  std::vector<float> depth;      // H * W, +inf where empty
};

struct RasterOptions {
  // Interpolate 1/depth linearly in screen space (inputs from a pinhole camera, depth = z_cam);
  // otherwise depth itself is linear in screen space (orthographic / weak perspective).
  bool perspective_correct = false;
  bool barycentrics = true;  // false leaves bary empty (faster; visibility does not need it)
};

// screen_xyz: V x 3 floats (u, v in pixels; depth, smaller = nearer); faces: F x 3 int64.
RasterResult rasterize(const float* screen_xyz, int64_t num_vertices, const int64_t* faces,
                       int64_t num_faces, int height, int width, bool perspective_correct = false);

// Same, reusing the buffers of `out` (no allocation once they are large enough).
void rasterize_into(const float* screen_xyz, int64_t num_vertices, const int64_t* faces,
                    int64_t num_faces, int height, int width, const RasterOptions& options,
                    RasterResult& out);

// A vertex is visible if any face containing it wins at least one pixel. Returns V flags (0/1).
std::vector<uint8_t> visible_vertices(const RasterResult& raster, const int64_t* faces,
                                      int64_t num_vertices);

// Batched visibility, no gradient, parallel over the batch (at::parallel_for).
// screen: N x V x 3 (any float dtype/device; copied to CPU float), faces: F x 3 (integer)
// -> N x V bool on the input's device.
at::Tensor visibility_mask(const at::Tensor& screen, const at::Tensor& faces, int height, int width,
                           bool perspective_correct = false);

}  // namespace motioncue::geometry
