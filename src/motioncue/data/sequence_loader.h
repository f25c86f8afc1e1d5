// Every frame of every sequence of a split, in order, cropped by its own box at the network
// resolution, without augmentation: evaluation, inference on a split and temporal models.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "motioncue/data/video_dataset.h"

namespace motioncue::data {

struct FrameBatch {
  at::Tensor images;          // (N, 3, R, R) normalised
  at::Tensor gt_keypoints3d;  // (N, 24, 3) metres, camera frame; undefined without ground truth
  at::Tensor gt_pose;         // (N, 72); undefined without ground truth
  at::Tensor gt_betas;        // (N, 10); undefined without ground truth
  std::vector<std::int64_t> seq, frame;
};

// Batches may span sequence boundaries; use `seq` and `frame` to split them. Ground truth is
// filled when the dataset has it for every sequence. `dataset` must outlive the loader.
class SequenceLoader {
 public:
  SequenceLoader(const VideoDataset& dataset, int resolution, int batch_size);
  // Fills `batch` with the next frames; false (and `batch` untouched) at the end.
  bool next(FrameBatch& batch);
  void reset() { seq_ = 0, t_ = 0; }

 private:
  const VideoDataset& dataset_;
  int resolution_, batch_size_;
  std::int64_t seq_ = 0, t_ = 0;
};

}  // namespace motioncue::data
