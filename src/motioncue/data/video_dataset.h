// A split of video sequences: <split>/<sequence>/{frames/%06d.png, annotations.npz, meta.json}
// (docs/FORMATS.md, "Video sequences"). Annotations are read and validated when the split is
// opened; frames are read from disk on demand.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
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

class VideoDataset {
 public:
  // Every sub-folder of split_dir is a sequence (sorted by name), except hidden ones (".x"). Throws
  // Error naming the folder or file when the split has no sequence, a sequence lacks frames or
  // annotations, the frame files are not 000000.png..(T-1), or an array's shape disagrees with the
  // frame count.
  static VideoDataset open(const std::filesystem::path& split_dir);

  const std::filesystem::path& split_dir() const { return split_dir_; }
  std::int64_t num_sequences() const { return static_cast<std::int64_t>(sequences_.size()); }
  const std::string& sequence_name(std::int64_t seq) const;
  const std::filesystem::path& sequence_dir(std::int64_t seq) const;
  std::int64_t num_frames(std::int64_t seq) const;
  std::int64_t total_frames() const;
  std::filesystem::path frame_path(std::int64_t seq, std::int64_t t) const;
  // BGR CV_8UC3; Error naming the file when it cannot be read.
  cv::Mat frame(std::int64_t seq, std::int64_t t) const;
  geometry::PersonBox box(std::int64_t seq, std::int64_t t) const;
  const SequenceAnnotations& annotations(std::int64_t seq) const;
  // True when every sequence has joints3d, pose and betas.
  bool has_ground_truth() const;
  // True when at least one sequence has keypoints2d_detected.
  bool has_detected_keypoints() const;
  // Replaces every sequence's keypoints2d_detected with a pretrained detector's, read from
  // detected_keypoints_file(sequence, source) (written by `motioncue flow --keypoints`).
  // "annotations" keeps those of annotations.npz. Throws Error naming the file when one is
  // missing, has another shape than T x 24 x 3, or holds a non-finite value or a confidence
  // outside [0, 1].
  void use_detected_keypoints(const std::string& source);
  double fps(std::int64_t seq) const;

 private:
  struct Sequence {
    std::string name;
    std::filesystem::path dir;
    SequenceAnnotations ann;
    double fps = 30.0;
  };
  const Sequence& at(std::int64_t seq) const;
  static Sequence open_sequence(const std::filesystem::path& dir);

  std::filesystem::path split_dir_;
  std::vector<Sequence> sequences_;
};

// <sequence_dir>/keypoints/<model>.npy: a 2D keypoint model's keypoints on every frame (T x 24 x
// 3, frame pixels and confidence, 0 = not reported).
std::filesystem::path detected_keypoints_file(const std::filesystem::path& sequence_dir,
                                              const std::string& model);

// Throws Error naming `origin` and `key` unless every value of T x 24 x 3 detected keypoints is
// finite and every confidence lies in [0, 1].
void check_detected_keypoints(const std::vector<float>& keypoints, const std::string& origin,
                              const std::string& key);

// Reads and validates <dir>/annotations.npz for `frames` frames (the core of VideoDataset::open,
// exposed for tools that read one sequence).
SequenceAnnotations read_sequence_annotations(const std::filesystem::path& annotations_npz,
                                              std::int64_t frames);

}  // namespace motioncue::data
