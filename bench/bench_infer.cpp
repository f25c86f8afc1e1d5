// End-to-end inference speed (docs/RESULTS.md, "## Inference speed"): a 640x480 MJPG video of
// 48 synthetic frames with one person box per frame from a box file, through decode, detect,
// crop, network and body, with and without overlay rendering, for the compact backbone
// (128 px) and ResNet-50 (224 px). Untrained weights: speed does not depend on them.
#include <benchmark/benchmark.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <filesystem>
#include <fstream>

#include "motioncue/body/body_model.h"
#include "motioncue/core/progress.h"
#include "motioncue/infer/infer.h"
#include "motioncue/model/checkpoint.h"

namespace fs = std::filesystem;
using namespace motioncue;

namespace {

constexpr int kFrames = 48;

const fs::path& bench_dir() {
  static const fs::path dir = [] {
    const fs::path d =
        fs::temp_directory_path() / ("motioncue_bench_infer_" + std::to_string(::getpid()));
    fs::create_directories(d);
    cv::VideoWriter writer((d / "clip.avi").string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'),
                           30, cv::Size(640, 480));
    nlohmann::json boxes = nlohmann::json::object();
    for (int f = 0; f < kFrames; ++f) {
      cv::Mat image(480, 640, CV_8UC3, cv::Scalar(90, 110, 70));
      const cv::Rect r(200 + 2 * f, 80, 140, 320);
      cv::rectangle(image, r, cv::Scalar(40, 40, 200), -1);
      writer.write(image);
      boxes[std::to_string(f)].push_back({r.x, r.y, r.x + r.width, r.y + r.height});
    }
    std::ofstream(d / "boxes.json") << boxes.dump();
    return d;
  }();
  return dir;
}

fs::path checkpoint(const std::string& backbone, int resolution) {
  const fs::path file = bench_dir() / (backbone + ".pt");
  if (!fs::exists(file)) {
    model::NetworkConfig config;
    config.backbone = backbone;
    config.resolution = resolution;
    model::PoseNetwork net(config, model::InitialState::upright_default());
    save_checkpoint(file, net, {{"body_model_hash", body::load_default_model().hash()}});
  }
  return file;
}

void BM_Infer(benchmark::State& state, const std::string& backbone, int resolution, bool render) {
  torch::set_num_threads(2);
  Progress::set_enabled(false);
  infer::InferOptions o;
  o.input = bench_dir() / "clip.avi";
  o.checkpoint = checkpoint(backbone, resolution);
  o.boxes = (bench_dir() / "boxes.json").string();
  o.batch_size = 16;
  o.overlays = render ? infer::OverlayMode::kVideo : infer::OverlayMode::kNone;
  o.progress = false;
  int run = 0;
  infer::InferSummary last;
  for (auto _ : state) {
    o.out = bench_dir() / ("out_" + backbone + (render ? "_r" : "_n") + std::to_string(run++));
    last = infer::run_inference(o);
  }
  state.counters["frames_per_s"] = last.frames / last.seconds;
  for (const auto& [stage, seconds] : last.stage_seconds)
    state.counters[stage + "_fps"] = last.frames / seconds;
}

BENCHMARK_CAPTURE(BM_Infer, compact_no_render, std::string("compact"), 128, false)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Infer, compact_render, std::string("compact"), 128, true)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Infer, resnet50_no_render, std::string("resnet50"), 224, false)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Infer, resnet50_render, std::string("resnet50"), 224, true)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace
