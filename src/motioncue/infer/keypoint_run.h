// motioncue keypoints: 2D keypoints of every person in images, a folder or a video, from the
// pretrained MoveNet and BlazePose models (vision/keypoint_model.h), with track ids on sequences,
// JSON and .npz
// outputs and skeleton overlays. docs/FORMATS.md ("## Keypoint outputs") describes the files.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace motioncue::infer {

struct KeypointOptions {
  std::filesystem::path input;
  std::filesystem::path out;
  // movenet-lightning, movenet-thunder, movenet-multipose or blazepose-full
  std::string model = "movenet-thunder";
  // People: "detector" (MoveNet multipose), "full" (the whole frame as one person), "hog" or a
  // JSON box file. A multipose model with "detector" keeps its own keypoints.
  std::string boxes = "detector";  // also "coco": the annotated boxes of `coco`
  // COCO-format annotations of the input images: the run is scored against them (person recall
  // at box IoU 0.5, PCK@0.2 of the torso, OKS) into coco_scores.json.
  std::filesystem::path coco;
  float min_score = 0.2f;  // people below this score are dropped (detector and multipose)
  bool overlays = true;
  int hog_max_side = 640;
  bool progress = true;
  std::function<void(const std::string&)> warn;  // default: the log
};

struct KeypointSummary {
  std::int64_t frames = 0, people = 0, frames_without_people = 0;
  double seconds = 0;
  std::string scores;  // the COCO scores in one line, when annotations were given
  std::string to_string() const;
};

// Writes keypoints.json, keypoints.npz and overlays/ under `out`, which must not exist or be
// empty. Bad input is an Error before the folder is made; a failure later removes the folder.
KeypointSummary run_keypoints(const KeypointOptions& options);

}  // namespace motioncue::infer
