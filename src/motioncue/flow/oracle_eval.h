// The synthetic benchmark's exact flow over a gap of frames, chained from its per-frame files:
// the oracle pairs of gaps > 1 and the ground truth data::evaluate_against_oracle scores
// estimators against.
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>

namespace motioncue::flow {

// first then second: result(p) = first(p) + second(p + first(p)), second sampled by sample_flow;
// NaN where either is undefined or p + first(p) leaves the frame.
cv::Mat compose_flow(const cv::Mat& first, const cv::Mat& second);

// Full-frame exact flow from frame t to t + gap, chaining fw_%06d.npy files (gap >= 1); each file
// must be (H, W, 2) with H x W = `frame_size` when that is not empty (else Error naming it).
cv::Mat ground_truth_flow_over_gap(const std::filesystem::path& sequence_dir, int frame, int gap,
                                   cv::Size frame_size = {});

}  // namespace motioncue::flow
