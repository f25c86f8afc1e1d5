#include "motioncue/losses/projected_pair.h"

#include <torch/torch.h>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"
#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/rasterizer.h"

namespace motioncue::losses {

ProjectedPair project_pair(const at::Tensor& verts1, const at::Tensor& cam1,
                           const at::Tensor& verts2, const at::Tensor& cam2,
                           const at::Tensor& faces, int resolution, bool visibility) {
  constexpr const char* ctx = "project_pair";
  check_shape(verts1, {-1, -1, 3}, ctx, "verts1");
  const int64_t n = verts1.size(0), v = verts1.size(1);
  check_shape(verts2, {n, v, 3}, ctx, "verts2");
  check_shape(cam1, {n, 3}, ctx, "cam1");
  check_shape(cam2, {n, 3}, ctx, "cam2");
  check_shape(faces, {-1, 3}, ctx, "faces");
  if (resolution <= 0)
    throw Error(std::string(ctx) + ": resolution must be positive")
        .key("resolution")
        .found(std::to_string(resolution));

  ProjectedPair out;
  out.p1 = geometry::weak_perspective_project(verts1, cam1, resolution);
  out.p2 = geometry::weak_perspective_project(verts2, cam2, resolution);
  if (!visibility) {
    out.both_visible = torch::ones({n, v}, verts1.options().dtype(torch::kBool));
    return out;
  }
  torch::NoGradGuard no_grad;
  // Both frames in one batched call: the rasteriser parallelises over the batch.
  const auto screen = torch::cat({geometry::weak_perspective_screen(verts1, cam1, resolution),
                                  geometry::weak_perspective_screen(verts2, cam2, resolution)});
  const auto visible = geometry::visibility_mask(screen, faces, resolution, resolution);
  out.both_visible = visible.narrow(0, 0, n) & visible.narrow(0, n, n);
  return out;
}

}  // namespace motioncue::losses
