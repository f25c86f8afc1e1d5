// A video's person tracks as the refinement's unlabeled sequences (docs/FORMATS.md, "Video
// sequences"), so the motion cue can be applied to the very footage being processed (`infer
// --adapt`). Each run of consecutive frames of one track becomes a sequence folder: every frame
// cut to one fixed region around the whole run (the union of its person crops) and scaled so its
// longer side is at most `max_side`. One fixed region per sequence keeps the background still
// between its frames, as the optical flow between two frames of it needs.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "motioncue/infer/frame_source.h"
#include "motioncue/infer/person_boxes.h"

namespace motioncue::infer {

struct TrackedBox {
  int64_t frame = 0;  // the frame's index in the input
  int track = 0;
  cv::Rect2d box;  // the detection, image pixels
};

struct ClipPlan {
  int track = 0;
  int64_t first = 0, last = 0;  // frames [first, last], consecutive
  cv::Rect2d region;            // image pixels, may reach beyond the frame (zero-padded)
  double zoom = 1;              // stored pixels per image pixel (<= 1)
};

// Every frame of `source` through `boxes` and the tracker: appends the tracked boxes to `tracked`
// and, when `seen` is given, each frame's detections (to replay them later). Returns the frames
// read.
int64_t track_people(FrameSource& source, BoxSource& boxes, std::vector<TrackedBox>& tracked,
                     std::map<int64_t, std::vector<Detection>>* seen = nullptr);

// Runs of at least `min_length` consecutive frames per track, with their regions (the union of
// the square crops infer feeds the network, square_person_box) and zooms. A run longer than
// `max_length` is cut into pieces of at most that many frames (shorter regions, smaller files).
std::vector<ClipPlan> plan_clips(const std::vector<TrackedBox>& boxes, int min_length,
                                 int max_length, int max_side);

// The folder name of a plan's sequence: <prefix>track<id>_<first>.
std::string clip_folder_name(const ClipPlan& plan, const std::string& prefix = "");

// Reads the input once more and writes one sequence folder per plan under `dir`
// (clip_folder_name/frames/%06d.png, annotations.npz with center and scale, meta.json with fps).
// Returns the frames written.
int64_t write_clips(FrameSource& source, const std::vector<ClipPlan>& plans,
                    const std::vector<TrackedBox>& boxes, const std::filesystem::path& dir,
                    const std::string& prefix = "");

}  // namespace motioncue::infer
