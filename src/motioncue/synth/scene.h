// Scene set-up for one shot (a labeled image or a video sequence): the pinhole camera of every
// frame placed to frame the person, the background drift a moving camera causes, lighting.
#pragma once

#include <opencv2/core.hpp>

#include <random>
#include <vector>

#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/renderer.h"
#include "motioncue/synth/body_pose.h"
#include "motioncue/synth/spec.h"

namespace motioncue::synth {

struct ShotCameras {
  // World (y up) to camera (OpenCV: x right, y down, z forward), one per frame.
  std::vector<geometry::PinholeCamera> frames;
  std::vector<cv::Point2d> background_shift;  // pixels, frame t relative to frame 0
  bool moving = false;
  double distance = 0;  // camera to the target point, metres
};

// The camera rig for a shot whose pelvis follows `poses` (world). The camera looks at the mean
// pelvis position from a random elevation at the distance that makes a 1.7 m person span the
// spec's share of the frame; with `allow_motion`, it may dolly after the person (with a little
// hand-held wobble), and the background drifts as a plane 2-6 m behind the person. A video
// whose pelvis travels more than 0.4 m is always followed, so the person stays in view.
ShotCameras place_cameras(const SynthSpec& spec, const std::vector<BodyPose>& poses,
                          bool allow_motion, std::mt19937_64& rng);

// Ambient + one directional light from the camera's side and above, tinted; one-sided.
geometry::Lighting sample_lighting(const SynthSpec& spec, std::mt19937_64& rng);

// Betas ~ N(0, 1), clipped to +-clip.
std::vector<float> sample_betas(std::mt19937_64& rng, int count, double clip);

}  // namespace motioncue::synth
