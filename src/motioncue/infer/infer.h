// Inference on people's own images, folders and videos: person boxes (JSON, HOG or the whole
// frame), a tracker on sequences, the pose network on square crops, the body model, and the run
// folder of docs/FORMATS.md ("## Inference outputs"): per-frame JSON, results.npz, overlays, and
// per track a skinned, animated .glb and a .bvh.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "motioncue/infer/adapt.h"

namespace motioncue::infer {

enum class OverlayMode { kNone, kImages, kVideo };

struct InferOptions {
  std::filesystem::path input;               // an image, a folder of images or a video file
  std::filesystem::path checkpoint;          // model::save_checkpoint's file
  std::filesystem::path body_model;          // empty: the built-in open body model
  std::filesystem::path keypoint_regressor;  // with body_model: BodyModel::load's second file
  std::filesystem::path out;                 // run folder; must not exist or be empty
  std::string boxes = "detector";            // "detector", "hog", "full", "coco" or a JSON box file
  // COCO keypoint annotations of the input images ("coco" boxes are theirs): the network's
  // projected keypoints are scored against them into coco_scores.json (infer/coco_scoring.h).
  std::filesystem::path coco;
  int batch_size = 16;     // crops per network call
  int hog_max_side = 640;  // frames are downscaled to this for the HOG detector
  // Videos and frame folders: the person detector runs on one frame in this many (and on any
  // frame where nobody is being carried); the tracker carries the boxes between, moved by each
  // track's velocity. 1 = every frame.
  int detect_every = 1;
  OverlayMode overlays = OverlayMode::kImages;
  bool side_view = false;        // overlay images get the mesh seen from the side next to the frame
  bool exports = true;           // per-track .glb and .bvh
  bool obj = false;              // one OBJ per person and frame
  double focal_at_224 = 5000.0;  // SPIN's focal length for a 224-pixel crop
  // adapt.steps > 0: refine a copy of the network on the input's own person tracks first
  // (infer/adapt.h); the adapted checkpoint and its log go to <out>/adapt/.
  AdaptOptions adapt;
  bool progress = true;
  std::function<void(const std::string&)> warn;  // default: spdlog warning
};

struct InferSummary {
  int64_t frames = 0;
  int64_t frames_without_people = 0;
  // The frame count the video's container announces (-1: images, or none given). More than
  // `frames` means a truncated or damaged video: warned about and shown by to_string().
  int64_t frames_announced = -1;
  int64_t people = 0;
  int64_t tracks = 0;
  int64_t frames_detected = 0;  // frames the person detector ran on (see detect_every)
  double seconds = 0;
  // Wall seconds per stage: decode, detect, crop, network, body, render, write.
  std::map<std::string, double> stage_seconds;
  std::string scores;      // the COCO scores in one line, when annotations were given
  std::string adaptation;  // what --adapt did, in one line
  std::string to_string() const;
};

// Throws Error for anything that leaves nothing to do (unreadable input, no frames, a checkpoint
// trained with another body model, an existing non-empty output folder, a bad box) and when no
// person was found in any frame. Outputs appear in `out` only when the run succeeds: a run that
// throws leaves nothing new behind (the folder is removed when the run made it). Frames without
// people, and a video that decodes to fewer frames than its container announces, are warned about.
InferSummary run_inference(const InferOptions& options);

}  // namespace motioncue::infer
