// Per-track motion exports: an animated, skinned glTF 2.0 binary (.glb) and a BVH of the
// skeleton. Both use the body's y-up frame: the network's root rotation lives in the camera
// frame (x right, y down, z forward), so the exported root rotation is Rx(180 deg) * R_root.
#pragma once

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <vector>

#include "motioncue/body/body_model.h"

namespace motioncue::infer {

struct TrackMotion {
  at::Tensor rotmats;          // F x 24 x 3 x 3 (camera-frame root), one per keyframe
  at::Tensor betas;            // 10: the track's mean shape
  std::vector<double> frames;  // F frame indices (increasing)
  double fps = 30.0;
};

// Rx(180 deg) applied to the root rotation: camera frame -> the body's y-up frame.
at::Tensor root_to_y_up(const at::Tensor& rotmats);

// Mesh = the rest template shaped by the mean betas; a 24-joint skin (four strongest weights
// per vertex, renormalised) with inverse bind matrices; one animation "motion" with a rotation
// channel per joint, keyframe times = frame index / fps. Written atomically.
void write_glb(const std::filesystem::path& file, const body::BodyModel& model,
               const TrackMotion& motion);

// BVH: offsets in centimetres from the shaped rest joints, root channels
// Xposition Yposition Zposition Zrotation Xrotation Yrotation, the others Zrotation Xrotation
// Yrotation (R = Rz * Rx * Ry, degrees); one motion frame per input frame from the first to the
// last keyframe, a frame without a keyframe repeating the previous one. Written atomically.
void write_bvh(const std::filesystem::path& file, const body::BodyModel& model,
               const TrackMotion& motion);

}  // namespace motioncue::infer
