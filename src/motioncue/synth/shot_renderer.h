// Renders one shot (a labeled image is a shot of one frame, a video a shot of T frames) of one
// subject and computes its exact ground truth: camera-frame pose, translation, 3D and 2D
// keypoints, person boxes and the ground-truth flow of adjacent frames.
#pragma once

#include <ATen/core/Tensor.h>
#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "motioncue/synth/appearance.h"
#include "motioncue/synth/background.h"
#include "motioncue/synth/body_pose.h"
#include "motioncue/synth/scene.h"

namespace motioncue::body {
class BodyModel;
}

namespace motioncue::synth {

// What every shot shares: the body model and its rest-pose data (read-only, thread-safe).
struct BodyAssets {
  const body::BodyModel* model = nullptr;
  std::vector<std::int64_t> faces;   // F x 3
  std::vector<float> rest_vertices;  // V x 3, template (mean shape), rest pose
  RestLayout layout;
  std::int64_t num_vertices = 0, num_faces = 0;
};
BodyAssets make_body_assets(const body::BodyModel& model);

struct Subject {
  std::string id;
  std::vector<float> betas;  // 10
  Appearance appearance;
  std::vector<std::int64_t> regions;  // clothing region of every vertex (appearance.h)
};

struct ShotInput {
  const Subject* subject = nullptr;
  std::vector<BodyPose> poses;  // world, one per frame
  ShotCameras cameras;
  cv::Mat background;  // CV_8UC3, larger than the frame by `margin` on each side
  int margin = 0;
  Occluder occluder;  // empty alpha: none
  geometry::Lighting light;
  int width = 0, height = 0, supersample = 2;
  bool render = true;  // false: annotations only (resuming a labeled image already written)
  bool flow = false;   // compute ground-truth flow between adjacent frames
  double box_padding = 1.2, box_center_jitter = 0, box_scale_jitter = 0;
};

struct ShotOutput {
  int frames = 0;
  std::vector<cv::Mat> images;  // CV_8UC3 BGR
  std::vector<double> pose, betas, trans, joints3d, joints2d, center, scale, focal, principal;
  std::vector<cv::Mat> flow_forward, flow_backward;  // CV_32FC2, NaN where invalid; T-1 each
  std::vector<double> flow_mean_px;  // per pair: mean |forward flow| over valid pixels (frame px)
};

ShotOutput render_shot(const BodyAssets& assets, const ShotInput& input, std::mt19937_64& box_rng);

// The person box (SPIN convention) around projected points, with jitter.
void box_from_points(const std::vector<cv::Point2d>& points, double padding, double center_jitter,
                     double scale_jitter, std::mt19937_64& rng, cv::Point2d& center, double& scale);

}  // namespace motioncue::synth
