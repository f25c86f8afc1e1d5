// A set of video sequences: <folder>/.../<sequence>/{frames/*.png, annotations.npz, meta.json}
// (docs/FORMATS.md, "Video sequences"; read through sequence_folder.h). Annotations are read and
// validated when the set is opened; frames are read from disk on demand.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "motioncue/data/sequence_folder.h"
#include "motioncue/geometry/crop.h"

namespace motioncue::data {

class VideoDataset {
 public:
  // The sequences find_sequence_folders(split_dir) finds (split_dir itself may be one), named by
  // their path below it. Throws Error naming the folder or file when there is none, a sequence
  // lacks frames or annotations, numbered frames skip a number, or annotations.npz or meta.json
  // disagrees with the frames (read_sequence_annotations).
  static VideoDataset open(const std::filesystem::path& split_dir);

  const std::filesystem::path& split_dir() const { return split_dir_; }
  std::int64_t num_sequences() const { return static_cast<std::int64_t>(sequences_.size()); }
  const std::string& sequence_name(std::int64_t seq) const;
  const std::filesystem::path& sequence_dir(std::int64_t seq) const;
  std::int64_t num_frames(std::int64_t seq) const;
  std::int64_t total_frames() const;
  std::filesystem::path frame_path(std::int64_t seq, std::int64_t t) const;
  // BGR CV_8UC3 (read_frame); Error naming the file when it cannot be read or, when
  // `expected_size` is not empty, has another size.
  cv::Mat frame(std::int64_t seq, std::int64_t t, cv::Size expected_size = {}) const;
  geometry::PersonBox box(std::int64_t seq, std::int64_t t) const;
  // Error naming the annotations and the frame when frame t's box does not overlap a frame of
  // `frame_size` (its crop would be blank).
  void check_box_in_frame(std::int64_t seq, std::int64_t t, cv::Size frame_size) const;
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
    std::vector<std::filesystem::path> frames;
    SequenceAnnotations ann;
    double fps = 30.0;
  };
  const Sequence& at(std::int64_t seq) const;
  static Sequence open_sequence(const std::filesystem::path& dir, std::string name);

  std::filesystem::path split_dir_;
  std::vector<Sequence> sequences_;
};

}  // namespace motioncue::data
