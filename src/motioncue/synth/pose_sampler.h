// Diverse static poses for the labeled images: random joint angles within joint_limits() (not
// only poses the motion library produces), with a random root orientation about the vertical
// axis and a moderate tilt.
#pragma once

#include <random>

#include "motioncue/synth/body_pose.h"

namespace motioncue::synth {

struct StaticPoseOptions {
  double max_tilt = 0.35;  // radians: forward/backward lean and sideways roll of the root
};

BodyPose sample_static_pose(std::mt19937_64& rng, const StaticPoseOptions& options = {});

}  // namespace motioncue::synth
