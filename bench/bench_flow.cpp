// Milliseconds per flow for each OpenCV backend at 224x224 and 640x640, on one core
// (cv::setNumThreads(1)), plus compute_both (forward + backward of 8 pairs) on all cores for the
// fast backends. The TorchScript backend is not measured: its speed is the user's network's.
// Inputs: a rich random texture and its copy moved by (3.5, -2.25) px and rotated 2 degrees.
#include <benchmark/benchmark.h>

#include <opencv2/core/utility.hpp>

#include <string>
#include <vector>

#include "../tests/flow/texture.h"
#include "motioncue/flow/estimator.h"

namespace {

using motioncue::flow::make_flow_estimator;

std::pair<cv::Mat, cv::Mat> textured_pair(int size, std::uint64_t seed) {
  const cv::Mat a = motioncue::testing::make_texture(size, size, seed);
  cv::Matx23d m(cv::getRotationMatrix2D(cv::Point2f(size / 2.0f, size / 2.0f), 2.0, 1.0));
  m(0, 2) += 3.5;
  m(1, 2) -= 2.25;
  cv::Mat flow;
  return {a, motioncue::testing::warp_with_flow(a, m, flow)};
}

void one_core(benchmark::State& state, const std::string& name) {
  const int size = int(state.range(0));
  const auto estimator = make_flow_estimator(name);
  const auto [a, b] = textured_pair(size, 1);
  const int threads = cv::getNumThreads();
  cv::setNumThreads(1);
  for (auto _ : state) benchmark::DoNotOptimize(estimator->compute(a, b).data);
  cv::setNumThreads(threads);
  state.SetLabel(estimator->config_key());
}

void both_all_cores(benchmark::State& state, const std::string& name) {
  const int size = int(state.range(0));
  const auto estimator = make_flow_estimator(name);
  std::vector<std::pair<cv::Mat, cv::Mat>> pairs;
  for (int i = 0; i < 8; ++i) pairs.push_back(textured_pair(size, 10 + i));
  for (auto _ : state) benchmark::DoNotOptimize(estimator->compute_both(pairs).data());
  // Seconds per pair (forward + backward), shown with an SI prefix ("12.3m" = 12.3 ms).
  state.counters["s_per_pair"] =
      benchmark::Counter(double(state.iterations()) * double(pairs.size()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

const int registered = [] {
  for (const std::string name :
       {"dis-ultrafast", "dis-fast", "dis-medium", "farneback", "deepflow", "tvl1"}) {
    benchmark::RegisterBenchmark(("flow_one_core/" + name).c_str(), one_core, name)
        ->Arg(224)
        ->Arg(640)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.5)
        ->MeasureProcessCPUTime()  // CPU time of every thread: one core's work even when
        ->UseRealTime();           // other processes share the machine
    if (name == "deepflow" || name == "tvl1") continue;  // seconds per pair: one core says enough
    benchmark::RegisterBenchmark(("flow_both_8_pairs/" + name).c_str(), both_all_cores, name)
        ->Arg(224)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.5)
        ->UseRealTime();
  }
  return 0;
}();

}  // namespace
