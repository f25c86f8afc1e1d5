// Rasterisation and vertex visibility (METHOD.md section 4) of a body-sized mesh.
// Mesh: a UV sphere with 6862 vertices / 13720 faces (the SMPL-sized open body has 6890 / 13776),
// under weak perspective filling ~80 % of the crop.
#include <benchmark/benchmark.h>

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/primitives.h"
#include "motioncue/geometry/rasterizer.h"

namespace g = motioncue::geometry;

namespace {

const g::TriangleMesh& mesh() {
  static const g::TriangleMesh m = g::uv_sphere(71, 98);
  return m;
}

at::Tensor screen_points(int resolution, int64_t batch) {
  const auto& m = mesh();
  auto pts = torch::from_blob(const_cast<float*>(m.vertices.data()), {1, m.num_vertices(), 3})
                 .clone()
                 .repeat({batch, 1, 1});
  // Slightly different cameras per item so the batch is not one image repeated.
  auto cam = torch::zeros({batch, 3});
  cam.select(1, 0).fill_(0.8);
  cam.select(1, 1).copy_(torch::linspace(-0.05, 0.05, batch));
  return g::weak_perspective_screen(pts, cam, resolution).contiguous();
}

void BM_Rasterize(benchmark::State& state) {
  const int res = int(state.range(0));
  const bool bary = state.range(1) != 0;
  const auto screen = screen_points(res, 1);
  const auto& m = mesh();
  g::RasterResult out;
  g::RasterOptions options;
  options.barycentrics = bary;
  for (auto _ : state) {
    g::rasterize_into(screen.data_ptr<float>(), m.num_vertices(), m.faces.data(), m.num_faces(),
                      res, res, options, out);
    benchmark::DoNotOptimize(out.face_id.data());
  }
  state.SetLabel(bary ? "face id + depth + barycentrics" : "face id + depth");
}
BENCHMARK(BM_Rasterize)->ArgsProduct({{224, 640}, {0, 1}})->Unit(benchmark::kMicrosecond);

// Rasterise + visibility of one mesh, one core (what the flow loss needs per mesh).
void BM_RasterizeAndVisibility(benchmark::State& state) {
  const int res = int(state.range(0));
  const auto screen = screen_points(res, 1);
  const auto& m = mesh();
  g::RasterResult out;
  g::RasterOptions options;
  options.barycentrics = false;
  for (auto _ : state) {
    g::rasterize_into(screen.data_ptr<float>(), m.num_vertices(), m.faces.data(), m.num_faces(),
                      res, res, options, out);
    auto vis = g::visible_vertices(out, m.faces.data(), m.num_vertices());
    benchmark::DoNotOptimize(vis.data());
  }
}
BENCHMARK(BM_RasterizeAndVisibility)->Arg(224)->Arg(640)->Unit(benchmark::kMicrosecond);

// The batched tensor API: args = resolution, batch, threads. Reports time per mesh too.
void BM_VisibilityMask(benchmark::State& state) {
  const int res = int(state.range(0));
  const int64_t batch = state.range(1);
  const int threads = int(state.range(2));
  const auto screen = screen_points(res, batch);
  const auto& m = mesh();
  const auto faces =
      torch::from_blob(const_cast<int64_t*>(m.faces.data()), {m.num_faces(), 3}, torch::kInt64);
  const int before = at::get_num_threads();
  at::set_num_threads(threads);
  for (auto _ : state) {
    auto mask = g::visibility_mask(screen, faces, res, res);
    benchmark::DoNotOptimize(mask.data_ptr<bool>());
  }
  at::set_num_threads(before);
  state.counters["us_per_mesh"] =
      benchmark::Counter(double(batch) * 1e-6, benchmark::Counter::kIsIterationInvariantRate |
                                                   benchmark::Counter::kInvert);
}
BENCHMARK(BM_VisibilityMask)
    ->ArgsProduct({{224, 640}, {1, 32}, {1, 2}})
    ->ArgNames({"res", "batch", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
