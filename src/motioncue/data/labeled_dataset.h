// Labeled single images in SPIN's layout: <split>/annotations.npz + the images it names
// (docs/FORMATS.md, "Labeled images"). Everything is validated when the dataset is opened.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "motioncue/geometry/crop.h"

namespace motioncue {
class Npz;
}

namespace motioncue::data {

// The `imgname` key of a SPIN-layout archive: a non-empty 1-D array of strings (else an Error
// naming the file and key).
std::vector<std::string> read_image_names(const Npz& npz, const std::string& origin);

inline constexpr int kNumKeypoints = 24;
inline constexpr int kPoseDim = 72;
inline constexpr int kBetaDim = 10;

class LabeledDataset {
 public:
  // Reads and validates the archive: imgname, center and scale present, every shape consistent
  // with N = len(imgname), every image file present, and at least one image with a label to train
  // on (has_labels). Throws Error naming the file and key. Like SPIN: an archive without `part`
  // or `S` has no such labels, `pose` and `shape` without `has_smpl` hold for every row; other
  // keys (openpose, gender, ...) are ignored.
  static LabeledDataset open(const std::filesystem::path& annotations_npz);

  std::int64_t size() const { return static_cast<std::int64_t>(imgname_.size()); }
  const std::filesystem::path& annotations_file() const { return file_; }

  // Nested low-data subsets: the first `count` rows by subset_rank when the archive has it (the
  // seed is then unused), else the first `count` of a permutation drawn from `seed`. Either way
  // subset(k, s) is contained in subset(2k, s). Returned in increasing order.
  std::vector<std::int64_t> subset(std::int64_t count, std::uint64_t seed) const;
  bool has_subset_rank() const { return !subset_rank_.empty(); }

  std::filesystem::path image_path(std::int64_t i) const;
  // BGR CV_8UC3; throws Error naming the image file when it cannot be read.
  cv::Mat image(std::int64_t i) const;
  geometry::PersonBox box(std::int64_t i) const;
  const float* keypoints2d(std::int64_t i) const { return &part_[row(i) * kNumKeypoints * 3]; }
  const float* keypoints3d(std::int64_t i) const { return &S_[row(i) * kNumKeypoints * 4]; }
  const float* pose(std::int64_t i) const { return &pose_[row(i) * kPoseDim]; }
  const float* betas(std::int64_t i) const { return &shape_[row(i) * kBetaDim]; }
  bool has_smpl(std::int64_t i) const { return has_smpl_[row(i)] != 0; }
  // Whether image i supervises anything: a 2D or 3D keypoint with confidence > 0, or SMPL
  // parameters. An image without any adds nothing but the priors to a training loss.
  bool has_labels(std::int64_t i) const;

 private:
  std::size_t row(std::int64_t i) const;

  std::filesystem::path file_, folder_;
  std::vector<std::string> imgname_;
  std::vector<double> center_, scale_;
  std::vector<float> part_, S_, pose_, shape_;
  std::vector<std::uint8_t> has_smpl_;
  std::vector<std::int64_t> subset_rank_;
};

}  // namespace motioncue::data
