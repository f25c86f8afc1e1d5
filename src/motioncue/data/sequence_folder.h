// The on-disk layout of video sequences (docs/FORMATS.md, "Video sequences"): where sequence
// folders are found, which files are a sequence's frames, and its annotations, read and
// validated. VideoDataset is built on these alone, so `motioncue flow --data`, refine, temporal
// and eval accept and refuse the same folders, with the same errors.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "motioncue/geometry/crop.h"

namespace motioncue::data {

// One sequence's per-frame arrays (row-major, T rows). An optional array is empty when absent.
struct SequenceAnnotations {
  std::int64_t frames = 0;
  std::vector<double> center, scale;        // T x 2, T
  std::vector<float> pose, betas, trans;    // T x 72, T x 10, T x 3
  std::vector<float> joints3d, joints2d;    // T x 24 x 3 each
  std::vector<float> focal, principal;      // T x 2 each
  std::vector<float> keypoints2d_detected;  // T x 24 x 3
  bool has_ground_truth() const { return !joints3d.empty() && !pose.empty() && !betas.empty(); }
};

// Every sequence folder (one holding frames/ or annotations.npz) at or under `root`, at any
// depth, sorted; hidden folders (the default flow cache) and a sequence's own sub-folders are
// not searched. A folder holding sequences is a split: all its visible sub-folders must be
// sequences. Throws Error naming `root` when it holds no sequence, or the folder in a split
// that is none.
std::vector<std::filesystem::path> find_sequence_folders(const std::filesystem::path& root);

// <sequence_dir>/frames/*.png, *.jpg or *.jpeg. Names that are all digits (000000.png, 1.jpg)
// are ordered by number and must be consecutive (a gap is an Error naming the missing frame);
// other names are ordered by name. Throws Error naming the folder when it is missing or empty.
std::vector<std::filesystem::path> list_sequence_frames(const std::filesystem::path& sequence_dir);

// Reads and validates an annotations.npz for `frames` frames: every array's shape, and each
// person box (finite, a side 200 * scale of 1 to 1e6 pixels, centre within +-1e6: anything else
// crops to a blank image, whose flow would be cached as a silent zero). Errors name the file and
// key (`center/scale[t]` for a box).
SequenceAnnotations read_sequence_annotations(const std::filesystem::path& annotations_npz,
                                              std::int64_t frames);

// CV_8UC3 BGR; throws Error naming the file when it cannot be read or (when `expected_size` is
// not empty) has another size.
cv::Mat read_frame(const std::filesystem::path& file, cv::Size expected_size = {});

// Throws Error naming the sequence's annotations.npz, `center/scale[t]` and `frame_file` when
// frame t's `box` does not overlap a frame of `frame_size` (its crop would be blank).
void check_box_in_frame(const geometry::PersonBox& box, std::size_t t, cv::Size frame_size,
                        const std::filesystem::path& frame_file);

// <sequence_dir>/keypoints/<model>.npy: a 2D keypoint model's keypoints on every frame (T x 24 x
// 3, frame pixels and confidence, 0 = not reported).
std::filesystem::path detected_keypoints_file(const std::filesystem::path& sequence_dir,
                                              const std::string& model);

// Throws Error naming `origin` and `key` unless every value of T x 24 x 3 detected keypoints is
// finite and every confidence lies in [0, 1].
void check_detected_keypoints(const std::vector<float>& keypoints, const std::string& origin,
                              const std::string& key);

}  // namespace motioncue::data
