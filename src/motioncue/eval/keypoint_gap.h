// The domain-gap meter: how well a keypoint network trained on real photographs (MoveNet) finds
// the joints of a benchmark's rendered people, against their exact 2D keypoints. PCK@0.2 of the
// torso, as on real COCO images, so the two numbers can be set side by side: a large drop says
// the renders do not look like people to a network that has seen real ones.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace motioncue::eval {

struct KeypointGapOptions {
  std::string model = "movenet-thunder";
  std::int64_t every = 1;  // every N-th frame of each sequence
  bool progress = true;
};

struct PckCount {
  std::int64_t hits = 0, total = 0;
  double value() const { return total ? double(hits) / double(total) : 0.0; }
};

struct KeypointGapReport {
  std::string model;
  std::int64_t frames = 0;
  PckCount limbs, face;                        // the 12 limb joints; nose, eyes, ears
  std::map<std::string, PckCount> per_joint;   // by SPIN keypoint name
  std::map<std::string, PckCount> per_motion;  // limbs, by meta.json's "motion"
  std::map<std::string, PckCount> per_sequence;
  nlohmann::json to_json() const;
  std::string table() const;
};

// Runs `options.model` on every visible person box of a split of sequences (the benchmark's
// boxes, as a detector would give) and scores the COCO keypoints mapped to motioncue's order
// against the exact `joints2d`, over joints marked visible.
KeypointGapReport measure_keypoint_gap(const std::filesystem::path& split_dir,
                                       const KeypointGapOptions& options);

}  // namespace motioncue::eval
