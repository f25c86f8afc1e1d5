// Data-loading throughput at 128 px: labeled images/s (crop + augmentation + normalisation on 2
// worker threads) and unlabeled pairs/s with the flow cache warm (precomputed) and cold (flow
// computed for every pair, as on a first pass). The datasets are written to a temporary folder.
#include <benchmark/benchmark.h>

#include <torch/torch.h>

#include <opencv2/core/utility.hpp>

#include <filesystem>
#include <random>

#include "../tests/data/tiny_datasets.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/data/pair_sampler.h"

namespace d = motioncue::data;
namespace mt = motioncue::testing;
namespace fs = std::filesystem;

namespace {

constexpr int kResolution = 128;
constexpr int kBatch = 16;

struct Fixture {
  fs::path root;
  Fixture() {
    std::random_device rd;
    root = fs::temp_directory_path() / ("motioncue_bench_data_" + std::to_string(rd()));
    // 256 labeled images of 256 x 256 (the synthetic benchmark's frame size).
    mt::LabeledSpec spec;
    spec.n = 256, spec.width = 256, spec.height = 256;
    mt::write_labeled(root / "labeled", mt::labeled_arrays(spec, mt::image_names(spec.n)), 256,
                      256);
    // 4 sequences x 24 frames of 256 x 256 (box side 128 px: the crop is at full resolution).
    for (int s = 0; s < 4; ++s) {
      mt::VideoSpec v;
      v.frames = 24, v.size = 256, v.seed = 10 + s;
      mt::write_sequence(root / "video" / ("seq" + std::to_string(s)), v);
    }
    motioncue::Progress::set_enabled(false);
    // OpenCV on the calling thread: the loaders parallelise over their own workers, and with
    // workers = 0 the CPU column is then the whole one-core cost.
    cv::setNumThreads(1);
  }
  ~Fixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_LabeledLoader(benchmark::State& state) {
  const auto ds = d::LabeledDataset::open(fixture().root / "labeled" / "annotations.npz");
  std::vector<std::int64_t> all(static_cast<std::size_t>(ds.size()));
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i);
  d::LabeledLoader loader(ds, all, kBatch, kResolution, d::Augmentation{}, 1,
                          static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(loader.next().images.data_ptr());
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetLabel("images/s, workers " + std::to_string(state.range(0)));
}
BENCHMARK(BM_LabeledLoader)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// range(0): 1 = warm cache (precomputed), 0 = cold (no cache: flow computed for every pair).
// range(1): worker threads (0: everything on the benchmark's thread, so its CPU time is the
// one-core cost).
void BM_PairLoader(benchmark::State& state) {
  const auto ds = d::VideoDataset::open(fixture().root / "video");
  const bool warm = state.range(0) == 1;
  const fs::path cache = fixture().root / "flow_cache";
  if (warm) d::precompute_pair_flows(ds, kResolution, 1, "dis-medium", cache);
  d::PairLoader loader(ds, kBatch, kResolution, 1, "dis-medium", warm ? cache : fs::path(), true, 1,
                       2);
  for (auto _ : state) benchmark::DoNotOptimize(loader.next().flow_fw.data_ptr());
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetLabel(std::string("pairs/s, dis-medium, cache ") + (warm ? "warm" : "cold") +
                 ", workers " + std::to_string(state.range(1)));
}
BENCHMARK(BM_PairLoader)
    ->Args({0, 0})
    ->Args({0, 2})
    ->Args({1, 0})
    ->Args({1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_PrecomputeFlows(benchmark::State& state) {
  const auto ds = d::VideoDataset::open(fixture().root / "video");
  std::int64_t pairs = 0;
  for (auto _ : state) {
    const fs::path cache = fixture().root / ("precompute_" + std::to_string(pairs));
    d::precompute_pair_flows(ds, kResolution, 1, "dis-medium", cache);
    pairs += 4 * 23;
  }
  state.SetItemsProcessed(pairs);
  state.SetLabel("pairs/s into an empty cache");
}
BENCHMARK(BM_PrecomputeFlows)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

}  // namespace
