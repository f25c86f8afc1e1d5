// Speed of the pretrained TFJS models on the ATen runner (docs/RESULTS.md, "## Pretrained
// vision"): one person crop through MoveNet lightning (192 px), thunder (256 px) and BlazePose
// full (256 px, landmark head only), and a whole 640x480 frame through MoveNet multipose (256 px),
// at 1 and 2 threads. The image content does
// not change the work. Skips with a message when scripts/fetch_models has not run.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <opencv2/core.hpp>

#include <map>
#include <memory>

#include "motioncue/core/error.h"
#include "motioncue/vision/keypoint_model.h"

namespace {

const cv::Mat& frame() {
  static const cv::Mat image = [] {
    cv::Mat m(480, 640, CV_8UC3);
    cv::randu(m, cv::Scalar::all(0), cv::Scalar::all(255));
    return m;
  }();
  return image;
}

const motioncue::vision::KeypointModel* model(const std::string& name, std::string& error) {
  static std::map<std::string, std::unique_ptr<motioncue::vision::KeypointModel>> cache;
  auto& slot = cache[name];
  if (!slot) {
    try {
      slot = motioncue::vision::make_keypoint_model(name);
    } catch (const motioncue::Error& e) {
      error = e.what();
      return nullptr;
    }
  }
  return slot.get();
}

void run(benchmark::State& state, const std::string& name) {
  torch::set_num_threads(static_cast<int>(state.range(0)));
  std::string error;
  const auto* net = model(name, error);
  if (!net) {
    state.SkipWithError(error.c_str());
    return;
  }
  const cv::Rect2d box(250, 60, 140, 360);
  for (auto _ : state) {
    if (net->multipose())
      benchmark::DoNotOptimize(net->detect(frame(), 0.2f));
    else
      benchmark::DoNotOptimize(net->person_in(frame(), box));
  }
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_MoveNetLightningCrop(benchmark::State& s) { run(s, "movenet-lightning"); }
void BM_MoveNetThunderCrop(benchmark::State& s) { run(s, "movenet-thunder"); }
void BM_MoveNetMultiposeFrame(benchmark::State& s) { run(s, "movenet-multipose"); }
void BM_BlazePoseFullCrop(benchmark::State& s) { run(s, "blazepose-full"); }

BENCHMARK(BM_MoveNetLightningCrop)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MoveNetThunderCrop)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MoveNetMultiposeFrame)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BlazePoseFullCrop)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
