// The exact ground-truth flow of the synthetic benchmark ("oracle" flow, for ablations), and its
// mapping into person crops.
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>

#include "motioncue/geometry/crop.h"

namespace motioncue::flow {

// <sequence_dir>/flow/fw_%06d.npy (forward: frame -> frame + 1) or bw_%06d.npy (backward:
// frame -> frame - 1), H x W x 2 float16/float32 (docs/FORMATS.md). Returns full-frame CV_32FC2,
// NaN where invalid. Throws Error naming the file when it is absent or has the wrong shape: not
// (H, W, 2), or, when `frame_size` is not empty, H x W other than the frame's.
cv::Mat load_ground_truth_flow(const std::filesystem::path& sequence_dir, int frame, bool forward,
                               cv::Size frame_size = {});
std::filesystem::path ground_truth_flow_path(const std::filesystem::path& sequence_dir, int frame,
                                             bool forward);

// Maps a full-frame flow into a crop (rotation 0): each crop pixel centre's pre-image in the full
// frame is sampled bilinearly and the vector is scaled by the crop's zoom (resolution / (200 *
// scale)). Sampling as sample_flow (sampling.h): NaN where the nearest full-frame pixel is outside
// the frame or invalid.
cv::Mat crop_flow(const cv::Mat& full_flow, const geometry::PersonBox& box, int resolution);

}  // namespace motioncue::flow
