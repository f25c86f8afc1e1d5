// Rasterisation and vertex visibility (docs/METHOD.md section 4) of the built-in open body model
// (8684 vertices / 17364 faces; SMPL has 6890 / 13776) in a walking pose under weak perspective,
// the body filling ~80 % of the crop's height, as in the flow loss.
#include <benchmark/benchmark.h>

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include <cmath>

#include "motioncue/body/body_model.h"
#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/rasterizer.h"

namespace g = motioncue::geometry;

namespace {

struct BenchMesh {
  at::Tensor vertices;  // 1 x V x 3, y down, facing the camera
  std::vector<int64_t> faces;
  int64_t num_vertices() const { return vertices.size(1); }
  int64_t num_faces() const { return int64_t(faces.size() / 3); }
};

const BenchMesh& mesh() {
  static const BenchMesh m = [] {
    const auto model = motioncue::body::load_default_model();
    auto pose = torch::zeros({1, 72});
    pose[0][0] = M_PI;      // root: 180 deg about x (y down, facing the camera)
    pose[0][3 * 1] = -0.4;  // hips, knees, shoulders, elbows: a walking step
    pose[0][3 * 2] = 0.3;
    pose[0][3 * 5] = 0.5;
    pose[0][3 * 16 + 2] = -1.1;
    pose[0][3 * 17 + 2] = 1.1;
    pose[0][3 * 18 + 1] = -0.6;
    const auto out =
        model.forward_axis_angle(pose.to(model.dtype()), torch::zeros({1, 10}, model.dtype()));
    BenchMesh b;
    b.vertices = out.vertices.to(torch::kFloat32).contiguous();
    const auto f = model.faces().contiguous();
    b.faces.assign(f.data_ptr<int64_t>(), f.data_ptr<int64_t>() + f.numel());
    return b;
  }();
  return m;
}

at::Tensor screen_points(int resolution, int64_t batch) {
  const auto& m = mesh();
  const auto v = m.vertices;
  const auto lo = std::get<0>(v.min(1)), hi = std::get<0>(v.max(1));  // 1 x 3
  const double height = (hi - lo)[0][1].item<double>();
  const double s = 1.6 / height;
  const auto centre = (lo + hi) * 0.5;
  auto cam = torch::zeros({batch, 3});
  cam.select(1, 0).fill_(s);
  // Slightly different cameras per item so the batch is not one image repeated.
  cam.select(1, 1).copy_(-s * centre[0][0] + torch::linspace(-0.05, 0.05, batch));
  cam.select(1, 2).fill_(-s * centre[0][1].item<double>());
  return g::weak_perspective_screen(v.repeat({batch, 1, 1}), cam, resolution).contiguous();
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
  const auto per_image = g::visibility_mask(screen.narrow(0, 0, 1), faces, res, res);
  state.counters["visible_vertices"] = per_image.sum().item<double>();
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
