#include "motioncue/data/dataset_flow.h"

#include <tbb/parallel_for.h>

#include <chrono>
#include <mutex>
#include <vector>

#include "motioncue/core/error.h"
#include "motioncue/data/pair_sampler.h"
#include "motioncue/flow/oracle.h"
#include "motioncue/flow/oracle_eval.h"
#include "motioncue/flow/pair_flow.h"

namespace motioncue::data {
namespace fs = std::filesystem;

std::int64_t pair_count(const VideoDataset& dataset, int gap) {
  return std::int64_t(list_pairs(dataset, gap).size());
}

PrecomputeStats precompute_flow(const VideoDataset& dataset, const flow::FlowEstimator& estimator,
                                const flow::FlowCache& cache, int resolution, int gap,
                                const std::function<void()>& on_pair) {
  if (gap < 1) throw Error("the frame gap must be at least 1").found(std::to_string(gap));
  if (resolution < 8)
    throw Error("the crop resolution is too small").found(std::to_string(resolution));
  const auto jobs = list_pairs(dataset, gap);
  PrecomputeStats stats;
  stats.sequences = dataset.num_sequences();
  stats.pairs = std::int64_t(jobs.size());
  const auto hits0 = cache.hits(), misses0 = cache.misses();
  const auto start = std::chrono::steady_clock::now();

  // The first frame's size of each sequence, which every other frame must match.
  std::vector<cv::Size> sizes;
  for (std::int64_t s = 0; s < dataset.num_sequences(); ++s)
    sizes.push_back(dataset.frame(s, 0).size());
  for (const auto& [s, t] : jobs) dataset.check_box_in_frame(s, t, sizes[std::size_t(s)]);

  tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t j) {
    const auto [s, t] = jobs[j];
    const cv::Size size = sizes[std::size_t(s)];
    const geometry::PersonBox box = dataset.box(s, t);
    const flow::FlowCache::Key probe{dataset.frame_path(s, t).string(),
                                     dataset.frame_path(s, t + gap).string(),
                                     flow::crop_key(box, resolution), estimator.config_key(), true};
    flow::FlowCache::Key back = probe;
    back.forward = false;
    // Frames are decoded only when some direction is missing: a warm cache reads two files.
    const bool have_fw = cache.get(probe).has_value(), have_bw = cache.get(back).has_value();
    if (!have_fw || !have_bw) {
      const cv::Mat a = geometry::crop_image(dataset.frame(s, t, size), box, resolution);
      const cv::Mat b = geometry::crop_image(dataset.frame(s, t + gap, size), box, resolution);
      if (!have_fw) cache.put(probe, estimator.compute(a, b));
      if (!have_bw) cache.put(back, estimator.compute(b, a));
    }
    if (on_pair) on_pair();
  });
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats.hits = cache.hits() - hits0;
  stats.misses = cache.misses() - misses0;
  return stats;
}

OracleEvaluation evaluate_against_oracle(const VideoDataset& dataset,
                                         const flow::FlowEstimator& estimator, int resolution,
                                         int gap, const flow::FlowCache* cache) {
  const auto jobs = list_pairs(dataset, gap);
  OracleEvaluation total;
  double epe_sum = 0, outlier_sum = 0;
  std::mutex mutex;
  tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t j) {
    const auto [s, t] = jobs[j];
    const fs::path& dir = dataset.sequence_dir(s);
    std::error_code ec;
    for (int k = 0; k < gap; ++k)
      if (!fs::is_regular_file(flow::ground_truth_flow_path(dir, int(t) + k, true), ec)) {
        std::lock_guard<std::mutex> lock(mutex);
        ++total.no_truth;
        return;
      }
    const geometry::PersonBox box = dataset.box(s, t);
    const cv::Mat a = dataset.frame(s, t);
    const cv::Mat b = dataset.frame(s, t + gap, a.size());
    dataset.check_box_in_frame(s, t, a.size());
    const cv::Mat truth = flow::crop_flow(
        flow::ground_truth_flow_over_gap(dir, int(t), gap, a.size()), box, resolution);
    // Forward only: the same entry compute_pair_flow and `motioncue flow --data` use.
    const auto compute = [&] {
      return estimator.compute(geometry::crop_image(a, box, resolution),
                               geometry::crop_image(b, box, resolution));
    };
    const cv::Mat forward =
        cache ? cache->get_or_compute(
                    {dataset.frame_path(s, t).string(), dataset.frame_path(s, t + gap).string(),
                     flow::crop_key(box, resolution), estimator.config_key(), true},
                    compute)
              : compute();
    const flow::FlowError e = flow::flow_error(forward, truth);
    std::lock_guard<std::mutex> lock(mutex);
    ++total.pairs;
    total.error.count += e.count;
    epe_sum += e.epe * double(e.count);
    outlier_sum += e.outlier_rate * double(e.count);
  });
  if (total.error.count > 0) {
    total.error.epe = epe_sum / double(total.error.count);
    total.error.outlier_rate = outlier_sum / double(total.error.count);
  }
  return total;
}

}  // namespace motioncue::data
