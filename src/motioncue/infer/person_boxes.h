// Person boxes for inference: from a JSON file the user gives, from OpenCV's pretrained HOG
// people detector, or the whole frame; and the square crop box the network reads.
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "motioncue/geometry/crop.h"
#include "motioncue/infer/frame_source.h"

namespace motioncue::infer {

struct Detection {
  cv::Rect2d box;  // x, y, width, height in image pixels
  double score = 1.0;
};

class BoxSource {
 public:
  virtual ~BoxSource() = default;
  virtual std::vector<Detection> detect(const Frame& frame) = 0;
};

// The whole frame as one person.
std::unique_ptr<BoxSource> full_frame_boxes();

// OpenCV's HOG people detector (cv::HOGDescriptor::getDefaultPeopleDetector). Frames whose
// longer side exceeds max_side are downscaled for detection; boxes come back in full-resolution
// pixels. max_side below 128 (the detector's window is 64 x 128) is an Error.
std::unique_ptr<BoxSource> hog_boxes(int max_side = 640);

// Boxes from a JSON file (docs/FORMATS.md, "## Inference outputs"): an object whose keys are
// frame indices ("0", "1", ...) or image file names, each holding a list of at most 256 boxes
// [x0, y0, x1, y1], [x0, y0, x1, y1, score] or {"box": [x0, y0, x1, y1], "score": s}.
// Throws Error naming the file and the key ("<frame>[<box>]") for anything malformed: not finite,
// beyond +-1e6 pixels, x1 - x0 or y1 - y0 under one pixel; detect() likewise for a box that does
// not overlap its frame.
std::unique_ptr<BoxSource> json_boxes(const std::filesystem::path& file);

// People found by MoveNet multipose (the pretrained model from scripts/fetch_models): its boxes
// scoring at least `min_score`, clipped to the frame.
std::unique_ptr<BoxSource> detector_boxes(float min_score = 0.2f);

// "full", "hog", "detector" or a JSON file.
std::unique_ptr<BoxSource> make_box_source(const std::string& spec, int hog_max_side = 640);

// The square crop box: centred on the box, side = 1.2 x max(width, height).
geometry::PersonBox square_person_box(const cv::Rect2d& box);

}  // namespace motioncue::infer
