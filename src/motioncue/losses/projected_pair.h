// The two frames of a pair projected into the crop, each with its own predicted camera, and the
// vertices visible in both (docs/METHOD.md section 4, steps 1 and 4). Shared by the flow and the
// texture losses so that a step rasterises each mesh once.
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::losses {

struct ProjectedPair {
  at::Tensor p1, p2;        // N x V x 2 crop pixels, differentiable in vertices and cameras
  at::Tensor both_visible;  // N x V bool, no gradient
};

// verts1, verts2: N x V x 3 (body model output, no translation); cam1, cam2: N x 3 (s, tx, ty);
// faces: F x 3 int64. Projects with geometry::weak_perspective_project at `resolution` and, with
// `visibility`, rasterises each frame at resolution x resolution (z-buffer, no gradient): a
// vertex is visible when a face containing it wins a pixel; both_visible = vis1 & vis2. Without
// `visibility` every vertex counts as visible (for ablations and timing).
ProjectedPair project_pair(const at::Tensor& verts1, const at::Tensor& cam1,
                           const at::Tensor& verts2, const at::Tensor& cam2,
                           const at::Tensor& faces, int resolution, bool visibility = true);

}  // namespace motioncue::losses
