// Network speed on this machine: training images/s (forward + backward + Adam step, BatchNorm
// and dropout in training mode) and inference images/s (eval mode, no autograd) per backbone at
// its resolution, next to the forward FLOPs per image, and a large single-precision matrix
// product as the practical peak of the machine. Each case runs on 1 thread timed by process CPU
// time (the one-core cost, robust to other processes on the machine) and on 2 threads timed by
// the wall clock. Run: build/bench/bench_model
#include <benchmark/benchmark.h>

#include <torch/torch.h>

#include <filesystem>

#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"

namespace mm = motioncue::model;

namespace {

mm::PoseNetwork make_network(const std::string& backbone, int resolution) {
  torch::manual_seed(0);
  mm::NetworkConfig c;
  c.backbone = backbone;
  c.resolution = resolution;
  return mm::PoseNetwork(c, mm::InitialState::upright_default());
}

void report(benchmark::State& state, const mm::PoseNetwork& net, int batch, double passes) {
  const double images = static_cast<double>(state.iterations()) * batch;
  state.SetItemsProcessed(static_cast<int64_t>(images));
  state.counters["fwd_GFLOP_per_img"] = net.flops_per_image() / 1e9;
  state.counters["params_M"] = net.parameter_count() / 1e6;
  // Training counts forward + backward as 3 forward passes (the usual estimate).
  state.counters["GFLOP_per_s"] = benchmark::Counter(images * passes * net.flops_per_image() / 1e9,
                                                     benchmark::Counter::kIsRate);
}

// Sets LibTorch's intra-op thread count for one benchmark and restores it afterwards.
class Threads {
 public:
  explicit Threads(int n) : previous_(at::get_num_threads()) { at::set_num_threads(n); }
  ~Threads() { at::set_num_threads(previous_); }

 private:
  int previous_;
};

void BM_Train(benchmark::State& state, const std::string& backbone, int resolution, int batch,
              int threads) {
  Threads scope(threads);
  auto net = make_network(backbone, resolution);
  net.set_train(true);
  torch::optim::Adam adam(net.parameters(), torch::optim::AdamOptions(5e-5));
  const auto images = torch::randn({batch, 3, resolution, resolution});
  const auto target = torch::randn({batch, mm::kStateDim}) * 0.1;
  auto step = [&] {
    adam.zero_grad();
    auto p = net.forward(images);
    auto loss = (torch::cat({p.pose6d, p.betas, p.cam}, 1) - target).pow(2).mean();
    loss.backward();
    adam.step();
  };
  step();  // warm-up: allocations, first-touch of the optimizer state
  for (auto _ : state) step();
  report(state, net, batch, 3.0);
}

void BM_Infer(benchmark::State& state, const std::string& backbone, int resolution, int batch,
              int threads) {
  Threads scope(threads);
  auto net = make_network(backbone, resolution);
  net.set_train(false);
  torch::NoGradGuard no_grad;
  const auto images = torch::randn({batch, 3, resolution, resolution});
  benchmark::DoNotOptimize(net.forward(images).pose6d);  // warm-up
  for (auto _ : state) benchmark::DoNotOptimize(net.forward(images).pose6d);
  report(state, net, batch, 1.0);
}

void BM_Sgemm(benchmark::State& state) {
  Threads scope(static_cast<int>(state.range(1)));
  const int64_t n = state.range(0);
  const auto a = torch::randn({n, n}), b = torch::randn({n, n});
  for (auto _ : state) benchmark::DoNotOptimize(torch::mm(a, b));
  state.counters["GFLOP_per_s"] = benchmark::Counter(
      2.0 * n * n * n / 1e9 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_Sgemm)
    ->Args({1024, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(10)
    ->MeasureProcessCPUTime();
BENCHMARK(BM_Sgemm)->Args({1024, 2})->Unit(benchmark::kMillisecond)->Iterations(10)->UseRealTime();

// Saving a checkpoint with the Adam state, as every validation of a training run does
// (last.ckpt): the compact network at 128 px is 2.9 M parameters, ~34 MB with the optimizer.
void BM_SaveCheckpoint(benchmark::State& state) {
  auto net = make_network("compact", 128);
  net.set_train(true);
  torch::optim::Adam adam(net.parameters(), torch::optim::AdamOptions(5e-5));
  auto p = net.forward(torch::randn({2, 3, 128, 128}));
  torch::cat({p.pose6d, p.betas, p.cam}, 1).pow(2).mean().backward();
  adam.step();  // the optimizer state exists, as in a run
  const auto file = std::filesystem::temp_directory_path() / "motioncue_bench_last.ckpt";
  for (auto _ : state) mm::save_checkpoint(file, net, {{"step", 1}}, &adam);
  state.counters["MB"] = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
  std::filesystem::remove(file);
  std::filesystem::remove(mm::checkpoint_sidecar(file));
}
BENCHMARK(BM_SaveCheckpoint)->Unit(benchmark::kMillisecond)->Iterations(10)->UseRealTime();

#define MODEL_BENCH(fn, name, backbone, res, batch, iters)                          \
  BENCHMARK_CAPTURE(fn, name##_1thread_cpu, std::string(backbone), res, batch, 1)   \
      ->Unit(benchmark::kMillisecond)                                               \
      ->Iterations(iters)                                                           \
      ->MeasureProcessCPUTime();                                                    \
  BENCHMARK_CAPTURE(fn, name##_2threads_wall, std::string(backbone), res, batch, 2) \
      ->Unit(benchmark::kMillisecond)                                               \
      ->Iterations(iters)                                                           \
      ->UseRealTime()

MODEL_BENCH(BM_Train, compact_128, "compact", 128, 16, 4);
MODEL_BENCH(BM_Infer, compact_128, "compact", 128, 16, 8);
MODEL_BENCH(BM_Train, resnet18_224, "resnet18", 224, 4, 2);
MODEL_BENCH(BM_Infer, resnet18_224, "resnet18", 224, 4, 3);
MODEL_BENCH(BM_Train, resnet34_224, "resnet34", 224, 2, 2);
MODEL_BENCH(BM_Infer, resnet34_224, "resnet34", 224, 2, 3);
MODEL_BENCH(BM_Train, resnet50_224, "resnet50", 224, 2, 2);
MODEL_BENCH(BM_Infer, resnet50_224, "resnet50", 224, 2, 3);
// MoveNet's pretrained MobileNetV2 trunk (needs scripts/fetch_models), at its native size and
// at the compact network's 128 px.
MODEL_BENCH(BM_Train, movenet_lightning_128, "movenet-lightning", 128, 16, 2);
MODEL_BENCH(BM_Infer, movenet_lightning_128, "movenet-lightning", 128, 16, 4);
MODEL_BENCH(BM_Train, movenet_lightning_192, "movenet-lightning", 192, 8, 2);
MODEL_BENCH(BM_Infer, movenet_lightning_192, "movenet-lightning", 192, 8, 4);
MODEL_BENCH(BM_Train, movenet_thunder_256, "movenet-thunder", 256, 4, 2);
MODEL_BENCH(BM_Infer, movenet_thunder_256, "movenet-thunder", 256, 4, 3);
