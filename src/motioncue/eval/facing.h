// Which way the body faces, frame by frame, and how often a prediction gets it wrong or turns it
// around between frames: a network that turns every frame of a video to one facing (front or
// back) raises MPJPE while PA-MPJPE, which removes the rotation, hides it.
//
// Joints: the 14 evaluation joints in LSP order (FORMATS.md), N x 14 x 3, in the camera frame
// (OpenCV: x right, y down, z away from the camera). Both sides of the evaluator are in that
// frame: the ground-truth joints3d are camera-frame positions, and the predicted keypoints come
// from the body model posed with the network's global orientation, which is the camera-frame one
// (the body model's rest pose is y up, facing +z, its left at +x).
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <vector>

namespace motioncue::eval {

// N x 14 x 3 -> N x 3 unit vectors (float64): forward = normalize(left x up), with
// left = (L hip - R hip) + (L shoulder - R shoulder) and up = neck - mid-hip. A person facing the
// camera has left ~ +x and up ~ -y, so forward ~ -z (towards the camera). A degenerate frame
// (left parallel to up) gives the zero vector.
at::Tensor facing_directions(const at::Tensor& joints);
// N booleans: forward.z > 0 (the body faces away from the camera).
at::Tensor facing_away(const at::Tensor& joints);

// Shares are fractions in [0, 1]; NaN where nothing was there to count (no frames, or no pair of
// consecutive frames within one sequence).
struct FacingSummary {
  double facing_away = 0;      // predicted frames facing away from the camera
  double facing_away_gt = 0;   // the same for the ground truth
  double facing_wrong = 0;     // frames whose predicted forward is > 90 deg from the true one
  double facing_flips = 0;     // consecutive pairs whose predicted forward turns by > 90 deg
  double facing_flips_gt = 0;  // the same for the ground truth
  double facing_turn_deg = 0;  // mean angle between consecutive predicted forwards
  double mpjpe_rot = 0;        // mm: mean MPJPE-R (metrics.h: mpjpe_rot)
  std::int64_t frames = 0;
  std::int64_t pairs = 0;  // consecutive frame pairs within a sequence
};

// Pairs are (t, t + 1) of rows carrying one sequence id (rows of a sequence must be consecutive
// frames in order, as for the acceleration error); never across a change of sequence id.
// Joints in metres (mpjpe_rot comes out in mm).
FacingSummary summarize_facing(const at::Tensor& pred, const at::Tensor& gt,
                               const std::vector<std::int64_t>& sequence_ids);

// {"facing_away", "facing_away_gt", "facing_wrong", "facing_flips", "facing_flips_gt",
//  "facing_turn_deg", "mpjpe_rot_mm", "frames", "pairs"}; NaN is written as null.
nlohmann::json to_json(const FacingSummary& summary);
// The inverse; a key that is absent or null (a result written before a field existed) reads as
// NaN, an absent count as 0. Not an object (e.g. null): every field unknown.
FacingSummary facing_from_json(const nlohmann::json& j);

}  // namespace motioncue::eval
