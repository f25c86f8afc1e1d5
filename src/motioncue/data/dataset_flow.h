// Flow over every pair (t, t + gap) of a set of video sequences, both frames cropped with frame
// t's box: computed into a flow cache (what `motioncue flow --data DIR` runs, so that training
// later finds every pair's flow cached), or scored against the synthetic benchmark's exact flow.
#pragma once

#include <cstdint>
#include <functional>

#include "motioncue/data/video_dataset.h"
#include "motioncue/flow/estimator.h"
#include "motioncue/flow/flow_cache.h"
#include "motioncue/flow/metrics.h"

namespace motioncue::data {

struct PrecomputeStats {
  std::int64_t sequences = 0, pairs = 0;
  std::int64_t hits = 0, misses = 0;  // counted per flow (two per pair)
  double seconds = 0;
};

// Forward and backward flow of each pair at `resolution` into `cache`; parallel over pairs.
// Boxes are checked against the frame size (VideoDataset::check_box_in_frame) before any flow is
// computed. `on_pair` (may be empty) is called once per finished pair, from any thread
// (serialised by the caller's own means if it needs to be).
PrecomputeStats precompute_flow(const VideoDataset& dataset, const flow::FlowEstimator& estimator,
                                const flow::FlowCache& cache, int resolution, int gap,
                                const std::function<void()>& on_pair = {});

struct OracleEvaluation {
  flow::FlowError error;      // over every evaluated pixel of every evaluated pair
  std::int64_t pairs = 0;     // pairs evaluated
  std::int64_t no_truth = 0;  // pairs skipped: a ground-truth file is missing
};

// Forward flow of each pair (through `cache` when not null) against the cropped ground truth
// (flow::ground_truth_flow_over_gap); parallel over pairs. Ground truth of another size than the
// frames, or a box outside the frame, is an Error naming the file.
OracleEvaluation evaluate_against_oracle(const VideoDataset& dataset,
                                         const flow::FlowEstimator& estimator, int resolution,
                                         int gap, const flow::FlowCache* cache);

// Pairs (t, t + gap) over all sequences.
std::int64_t pair_count(const VideoDataset& dataset, int gap);

}  // namespace motioncue::data
