// Endpoint error of an estimator against the synthetic benchmark's exact flow, on the pixels
// where the ground truth is defined (the body, visible in both frames), in crop coordinates.
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>

#include "motioncue/flow/estimator.h"
#include "motioncue/flow/flow_cache.h"
#include "motioncue/flow/metrics.h"
#include "motioncue/flow/precompute.h"

namespace motioncue::flow {

// first then second: result(p) = first(p) + second(p + first(p)), second sampled by sample_flow;
// NaN where either is undefined or p + first(p) leaves the frame.
cv::Mat compose_flow(const cv::Mat& first, const cv::Mat& second);

// Full-frame exact flow from frame t to t + gap, chaining fw_%06d.npy files (gap >= 1); each file
// must be (H, W, 2) with H x W = `frame_size` when that is not empty (else Error naming it).
cv::Mat ground_truth_flow_over_gap(const std::filesystem::path& sequence_dir, int frame, int gap,
                                   cv::Size frame_size = {});

struct OracleEvaluation {
  FlowError error;            // over every evaluated pixel of every evaluated pair
  std::int64_t pairs = 0;     // pairs evaluated
  std::int64_t no_truth = 0;  // pairs skipped: a ground-truth file is missing
};

// Forward flow of each pair (t, t + gap) of crops with frame t's box (through `cache` when not
// null) against the cropped ground truth; parallel over pairs. Ground truth of another size than
// the frames, or a box outside the frame, is an Error naming the file.
OracleEvaluation evaluate_against_oracle(const std::vector<SequenceFrames>& sequences,
                                         const FlowEstimator& estimator, int resolution, int gap,
                                         const FlowCache* cache);

}  // namespace motioncue::flow
