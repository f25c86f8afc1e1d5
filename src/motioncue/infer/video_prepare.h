// A user's own videos as the refinement's unlabeled split (`motioncue video prepare`): decode each
// video, find and track its people, keep the tracks that last, and write one sequence folder per
// run of tracked frames (docs/FORMATS.md, "Video sequences"), plus prepare.json (what was found
// and kept) and contact_sheet.png (a row of frames per kept sequence).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "motioncue/infer/frame_source.h"

namespace motioncue::infer {

struct PrepareOptions {
  std::string boxes = "hog";  // "detector", "hog", "full" or a JSON box file (one video only)
  int hog_max_side = 640;
  double fps = 0;        // keep frames at about this rate; 0 (or above the video's): every frame
  int min_length = 16;   // shortest run of tracked frames kept
  int max_length = 300;  // longer runs are cut into sequences of at most this many frames
  int max_people = 1;    // per video, the tracks with the most frames
  int max_side = 320;    // stored frames' longer side at most this
  bool progress = true;
  WarningSink warn;
};

struct PreparedVideo {
  std::string video;
  int64_t frames = 0;       // frames read (after --fps)
  int tracks = 0;           // people tracked
  int sequences = 0;        // sequence folders written
  int64_t kept_frames = 0;  // frames in them
};

// Throws Error naming the video or the option; `out` must not exist or be empty, and is left as it
// was when anything fails (written under a partial folder, moved in at the end).
std::vector<PreparedVideo> prepare_videos(const std::vector<std::filesystem::path>& videos,
                                          const std::filesystem::path& out,
                                          const PrepareOptions& options);

}  // namespace motioncue::infer
