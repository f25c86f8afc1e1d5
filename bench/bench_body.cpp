// Body layer throughput: forward and forward+backward of the built-in open model at batch 1, 32
// and 128 (float32, CPU). Items per second = bodies per second.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "motioncue/body/body_model.h"

namespace {

const motioncue::body::BodyModel& model() {
  static const motioncue::body::BodyModel m = motioncue::body::load_default_model();
  return m;
}

void BM_BodyForward(benchmark::State& state) {
  const int64_t n = state.range(0);
  torch::manual_seed(0);
  auto pose = torch::randn({n, 72}) * 0.3;
  auto betas = torch::randn({n, 10});
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    auto out = model().forward_axis_angle(pose, betas);
    benchmark::DoNotOptimize(out.vertices.data_ptr<float>());
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["vertices"] = static_cast<double>(model().num_vertices());
}

void BM_BodyForwardBackward(benchmark::State& state) {
  const int64_t n = state.range(0);
  torch::manual_seed(0);
  auto pose = (torch::randn({n, 72}) * 0.3).requires_grad_(true);
  auto betas = torch::randn({n, 10}).requires_grad_(true);
  for (auto _ : state) {
    auto out = model().forward_axis_angle(pose, betas);
    (out.vertices.sum() + out.keypoints.sum()).backward();
    benchmark::DoNotOptimize(pose.grad().data_ptr<float>());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

}  // namespace

BENCHMARK(BM_BodyForward)->Arg(1)->Arg(32)->Arg(128)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BodyForwardBackward)->Arg(1)->Arg(32)->Arg(128)->Unit(benchmark::kMillisecond);
