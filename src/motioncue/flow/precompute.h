// Fills a flow cache for every pair (t, t + gap) of every sequence under a folder: what
// `motioncue flow --data DIR` runs, so that training later finds every pair's flow cached.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "motioncue/flow/estimator.h"
#include "motioncue/flow/flow_cache.h"
#include "motioncue/geometry/crop.h"

namespace motioncue::flow {

// A sequence folder as docs/FORMATS.md defines it: frames/*.png (or .jpg) + annotations.npz
// with center (T x 2) and scale (T).
struct SequenceFrames {
  std::filesystem::path dir;
  std::vector<std::filesystem::path> frames;  // sorted by name
  std::vector<geometry::PersonBox> boxes;     // one per frame
};

// Every folder at or under `root` that holds annotations.npz and a frames/ folder, sorted.
// Throws Error naming `root` when there is none.
std::vector<std::filesystem::path> find_sequences(const std::filesystem::path& root);
// Throws Error naming the file when the annotations lack center/scale, their length differs
// from the number of frames, or a box is unusable (the key names it: not finite, a side
// 200 * scale under one pixel, or beyond +-1e6 pixels) - such a box crops to a blank image whose
// flow would be cached as a silent zero.
SequenceFrames read_sequence(const std::filesystem::path& dir);

// Throws Error naming the annotations and the frame when frame t's box does not overlap a frame
// of `frame_size` (its crop would be blank).
void check_box_in_frame(const SequenceFrames& seq, std::size_t t, cv::Size frame_size);

// CV_8UC3 BGR; throws Error naming the file when it cannot be read or (when `expected_size` is
// not empty) has another size.
cv::Mat read_frame(const std::filesystem::path& file, cv::Size expected_size = {});

struct PrecomputeStats {
  std::int64_t sequences = 0, pairs = 0;
  std::int64_t hits = 0, misses = 0;  // counted per flow (two per pair)
  double seconds = 0;
};

// Forward and backward flow of each pair (t, t + gap), both frames cropped with frame t's box at
// `resolution`, into `cache`; parallel over pairs. Boxes are checked against the frame size
// (check_box_in_frame) before any flow is computed. `on_pair` (may be empty) is called once per
// finished pair, from any thread (serialised by the caller's own means if it needs to be).
PrecomputeStats precompute_flow(const std::vector<SequenceFrames>& sequences,
                                const FlowEstimator& estimator, const FlowCache& cache,
                                int resolution, int gap, const std::function<void()>& on_pair = {});

// Pairs (t, t + gap) in a sequence of `frames` frames.
inline std::int64_t pair_count(std::size_t frames, int gap) {
  return frames > std::size_t(gap) ? std::int64_t(frames) - gap : 0;
}

}  // namespace motioncue::flow
