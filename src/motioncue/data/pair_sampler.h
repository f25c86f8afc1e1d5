// Unlabeled frame pairs for the motion-consistency loss (docs/METHOD.md sections 4-5): (seq, t,
// t + gap), both frames cropped with frame t's box, the flow between the clean crops (an
// estimator through the on-disk cache, or the ground-truth "oracle" flow), and per-frame,
// per-channel colour gains on the network inputs only.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "motioncue/data/dataset_flow.h"
#include "motioncue/data/shard.h"
#include "motioncue/data/video_dataset.h"

namespace motioncue::data {

class ShuffledStream;
template <class T>
class OrderedPrefetcher;

struct PairBatch {
  at::Tensor images1, images2;  // (N, 3, R, R) normalised network inputs, with colour gains
  // The loss's crops, at the flow resolution Rf (the network's R unless asked otherwise):
  at::Tensor clean1, clean2;  // (N, 3, Rf, Rf) RGB in [0, 1], no gains (texture consistency)
  at::Tensor flow_fw,
      flow_bw;  // (N, 2, Rf, Rf) crop pixels (x, y): 1 -> 2 and 2 -> 1; NaN = invalid (oracle only)
  // (N, 24, 3) normalised crop coordinates + confidence, from keypoints2d_detected; undefined
  // when no sequence has them (a sequence without them gives confidence 0).
  at::Tensor keypoints1, keypoints2;
  std::vector<std::int64_t> seq, t1, t2;
};

// Every valid pair start (seq, t) with t + gap < T over the first `max_sequences` sequences
// (all when < 0), in order.
std::vector<std::pair<std::int64_t, std::int64_t>> list_pairs(const VideoDataset& dataset, int gap,
                                                              int max_sequences = -1);

// Endless shuffled pair batches, made on worker threads. The batches depend only on the seed
// (pair order and gains are drawn per stream position). Ground-truth flow ("oracle") needs the
// sequences' flow/ files (chained with flow::compose_flow for gaps > 1) and keeps their NaN
// (occluded or off-body pixels) for the loss to mask. An empty
// flow_cache_dir disables the cache. The flow (and the clean crops) can be made at another crop
// resolution than the network's images (flow_resolution; <= 0: the network's), since flow on
// a 64 px crop underestimates the motion. The stream starts at batch `first_batch` (a resumed
// run skips the batches it has trained on). With a `shard`, `batch_size` is the global batch and
// this loader makes the shard's slice of each (shard.h). `dataset` must outlive the loader.
class PairLoader {
 public:
  PairLoader(const VideoDataset& dataset, int batch_size, int resolution, int gap,
             const std::string& flow_estimator, std::filesystem::path flow_cache_dir,
             bool color_gains, std::uint64_t seed, int workers = 2, int max_sequences = -1,
             int flow_resolution = -1, std::int64_t first_batch = 0, Shard shard = {});
  ~PairLoader();
  PairLoader(const PairLoader&) = delete;
  PairLoader& operator=(const PairLoader&) = delete;

  PairBatch next();
  std::int64_t num_pairs() const { return static_cast<std::int64_t>(pairs_.size()); }
  // Cache statistics (0 without a cache).
  std::int64_t cache_hits() const;
  std::int64_t cache_misses() const;

 private:
  PairBatch make_batch(std::int64_t k);

  const VideoDataset& dataset_;
  int batch_size_, resolution_, flow_resolution_, gap_;
  Shard shard_;
  int local_batch_ = 0;
  bool oracle_, color_gains_, keypoints_;
  std::uint64_t seed_;
  std::int64_t first_batch_;
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs_;
  std::unique_ptr<flow::FlowEstimator> estimator_;
  std::unique_ptr<flow::FlowCache> cache_;
  std::unique_ptr<ShuffledStream> order_;
  std::unique_ptr<OrderedPrefetcher<PairBatch>> prefetch_;  // last: stopped first
};

// Computes every pair's flow (both directions) into the cache (precompute_flow, parallel over
// pairs) with a progress bar; frames are decoded only for pairs not cached yet. The entries are
// exactly the ones PairLoader looks up. Used by the demo and the benchmarks.
PrecomputeStats precompute_pair_flows(const VideoDataset& dataset, int resolution, int gap,
                                      const std::string& estimator,
                                      const std::filesystem::path& cache_dir);

}  // namespace motioncue::data
