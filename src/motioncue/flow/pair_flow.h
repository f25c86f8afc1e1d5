// The flow of a pair of frames of one sequence, both cropped with the SAME box (frame 1's), at
// crop resolution: what the motion-consistency loss consumes. Cached when a cache is given.
#pragma once

#include <opencv2/core.hpp>

#include <string>

#include "motioncue/flow/estimator.h"
#include "motioncue/flow/flow_cache.h"
#include "motioncue/geometry/crop.h"

namespace motioncue::flow {

struct PairFlow {
  cv::Mat forward, backward;  // CV_32FC2, resolution x resolution, in crop pixels
};

// "cx,cy,scale,res" with enough digits that two different boxes never share a key.
std::string crop_key(const geometry::PersonBox& box, int resolution);

// Crops both frames (CV_8UC3, same size, else Error) with `box` (finite, scale > 0, else Error
// naming frame1_id), then computes (or reads from `cache`, which may be null) the forward and
// backward flow. frame1_id/frame2_id identify the
// frames for the cache (their file paths: see FlowCache).
PairFlow compute_pair_flow(const cv::Mat& frame1, const cv::Mat& frame2,
                           const geometry::PersonBox& box, int resolution,
                           const FlowEstimator& estimator, const FlowCache* cache,
                           const std::string& frame1_id, const std::string& frame2_id);

}  // namespace motioncue::flow
