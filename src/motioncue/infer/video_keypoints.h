// A pretrained 2D keypoint model's keypoints on every frame of a set of video sequences: the
// targets of the refinement's 2D keypoint term on unlabeled video (refine.keypoints: <model>).
// The model sees each frame's person crop (the sequence's own boxes, as the refinement crops
// them); its COCO-17 keypoints are mapped to motioncue's 24 with the model's confidences, which
// weight the term, kept as they are.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "motioncue/data/video_dataset.h"

namespace motioncue::infer {

struct VideoKeypointStats {
  std::int64_t sequences = 0, frames = 0;
  // Mean confidence of the 12 limb keypoints over all frames: how sure the model is of them.
  double mean_limb_confidence = 0;
  double seconds = 0;
};

// Writes data::detected_keypoints_file(sequence, model) for every sequence of `dataset` (T x 24 x 3
// float32, frame pixels, written atomically, replacing an earlier one). Every box is checked
// against its frame first. `on_frame` (may be empty) is called after each frame.
VideoKeypointStats detect_video_keypoints(const data::VideoDataset& dataset,
                                          const std::string& model,
                                          const std::function<void()>& on_frame = {});

}  // namespace motioncue::infer
