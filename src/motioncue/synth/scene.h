// Scene set-up for one shot (a labeled image or a video sequence): the pinhole camera of every
// frame placed to frame the person, the background drift a moving camera causes, lighting.
#pragma once

#include <opencv2/core.hpp>

#include <random>
#include <vector>

#include "motioncue/synth/body_pose.h"
#include "motioncue/synth/spec.h"

namespace motioncue::synth {

// World (y up) to camera (OpenCV: x right, y down, z forward) for one frame.
struct FrameCamera {
  double fx = 1, fy = 1, cx = 0, cy = 0;
  cv::Matx33d R = cv::Matx33d::eye();  // x_cam = R * (x_world - C)
  cv::Vec3d C{0, 0, 0};
  cv::Vec3d to_camera(const cv::Vec3d& x_world) const { return R * (x_world - C); }
  cv::Point2d project(const cv::Vec3d& x_cam) const {
    return {fx * x_cam[0] / x_cam[2] + cx, fy * x_cam[1] / x_cam[2] + cy};
  }
};

struct LightSetup {
  float ambient = 0.5f, diffuse = 0.5f;
  cv::Vec3f direction{0, 0, 1};  // camera frame, pointing from the light towards the scene
  cv::Vec3f tint{1, 1, 1};       // BGR gain of the light
};

struct ShotCameras {
  std::vector<FrameCamera> frames;
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

LightSetup sample_lighting(const SynthSpec& spec, std::mt19937_64& rng);

// Betas ~ N(0, 1), clipped to +-clip.
std::vector<float> sample_betas(std::mt19937_64& rng, int count, double clip);

}  // namespace motioncue::synth
