// Anatomical ranges of the 23 local joint rotations, as angles (x, y, z) of Rx * Ry * Rz in the
// joint's rest frame (body_pose.h). The rest frame is the model's T-pose: y up, facing +z, the
// left side at +x. Knee flexion is +x, hip flexion -x, spine forward bend +x, arms are lowered
// from the T-pose by -z (left) / +z (right), elbows bend by -y (left) / +y (right).
#pragma once

#include <opencv2/core.hpp>

#include <array>

#include "motioncue/synth/body_pose.h"

namespace motioncue::synth {

struct AngleRange {
  double lo = 0, hi = 0;  // radians
};
using JointRange = std::array<AngleRange, 3>;

// Index = kinematic joint (0, the root, is unbounded and listed as zero ranges).
const std::array<JointRange, kNumBodyJoints>& joint_limits();

// Identity well inside [lo, hi], smoothly compressed near the ends, never outside (C1, so a
// clamped motion stays smooth).
double soft_clamp(double v, const AngleRange& range);
// Applies soft_clamp to every angle of joints 1..23.
void clamp_to_limits(BodyPose& pose);
bool within_limits(const BodyPose& pose, double tolerance = 1e-9);

}  // namespace motioncue::synth
