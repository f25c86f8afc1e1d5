// The batched, tensor-facing visibility used by the flow loss.
#include <torch/torch.h>

#include <ATen/Parallel.h>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"
#include "motioncue/geometry/rasterizer.h"

namespace motioncue::geometry {

at::Tensor visibility_mask(const at::Tensor& screen, const at::Tensor& faces, int height, int width,
                           bool perspective_correct) {
  if (screen.dim() != 3 || screen.size(2) != 3)
    throw Error("wrong screen tensor shape")
        .key("screen")
        .expected("N x V x 3")
        .found(shape_string(screen));
  if (faces.dim() != 2 || faces.size(1) != 3)
    throw Error("wrong faces tensor shape")
        .key("faces")
        .expected("F x 3")
        .found(shape_string(faces));
  if (!screen.is_floating_point())
    throw Error("screen points must be floating point").key("screen");
  const int64_t n = screen.size(0), v = screen.size(1), f = faces.size(0);
  const auto pts = screen.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  const auto tri = faces.detach().to(torch::kCPU, torch::kInt64).contiguous();
  // Plain loops rather than ATen reductions/fills here: those open a parallel region, and on a
  // busy machine waking the pool costs more than the whole rasterisation of a small batch.
  const float* p = pts.data_ptr<float>();
  const int64_t* t = tri.data_ptr<int64_t>();
  for (int64_t k = 0; k < 3 * f; ++k)
    if (t[k] < 0 || t[k] >= v)
      throw Error("face index out of range")
          .key("faces")
          .expected("0 <= index < " + std::to_string(v))
          .found(std::to_string(t[k]) + " in face " + std::to_string(k / 3));
  auto mask = torch::empty({n, v}, torch::kBool);  // every entry is written below
  bool* m = mask.data_ptr<bool>();
  RasterOptions options;
  options.perspective_correct = perspective_correct;
  options.barycentrics = false;
  auto work = [&](int64_t begin, int64_t end) {
    thread_local RasterResult raster;  // buffers reused across calls on this thread
    for (int64_t b = begin; b < end; ++b) {
      rasterize_into(p + b * v * 3, v, t, f, height, width, options, raster);
      const auto visible = visible_vertices(raster, t, v);
      std::copy(visible.begin(), visible.end(), m + b * v);
    }
  };
  if (n == 1)
    work(0, 1);  // no hand-off to the thread pool for a single mesh
  else
    at::parallel_for(0, n, 1, work);
  return mask.to(screen.device());
}

}  // namespace motioncue::geometry
