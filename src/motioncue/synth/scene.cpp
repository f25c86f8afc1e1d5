#include "motioncue/synth/scene.h"

#include <algorithm>
#include <cmath>

namespace motioncue::synth {
namespace {
constexpr double kDeg = M_PI / 180.0;
constexpr double kPersonHeight = 1.7;

double uniform(const Range& r, std::mt19937_64& rng) {
  return std::uniform_real_distribution<double>(r.lo, r.hi)(rng);
}

// Rows: right, down, forward (OpenCV camera axes in world coordinates).
cv::Matx33d look_rotation(const cv::Vec3d& forward) {
  const cv::Vec3d f = forward / cv::norm(forward);
  cv::Vec3d right = f.cross(cv::Vec3d(0, 1, 0));
  right /= cv::norm(right);
  const cv::Vec3d down = f.cross(right);
  return {right[0], right[1], right[2], down[0], down[1], down[2], f[0], f[1], f[2]};
}
}  // namespace

ShotCameras place_cameras(const SynthSpec& spec, const std::vector<BodyPose>& poses,
                          bool allow_motion, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  ShotCameras shot;
  const double focal = uniform(spec.focal, rng) * spec.width;
  const double share = uniform(spec.person_height, rng);
  shot.distance = focal * kPersonHeight / (share * spec.height);
  const double elevation = uniform(spec.elevation_deg, rng) * kDeg;
  const double roll = uniform(spec.roll_deg, rng) * kDeg;
  const double ox = uniform(spec.offset, rng), oy = uniform(spec.offset, rng);
  const double travel = cv::norm(poses.back().root_position - poses.front().root_position);
  shot.moving = allow_motion && (u01(rng) < spec.camera_motion || travel > 0.4);
  const double follow = shot.moving ? (travel > 0.4 ? 0.8 : 0.5) + 0.2 * u01(rng) : 0.0;
  const double wobble = shot.moving ? (0.2 + 0.6 * u01(rng)) * kDeg : 0.0;
  const double wobble_f[2] = {0.3 + u01(rng), 0.3 + u01(rng)};
  const double wobble_p[2] = {6.28 * u01(rng), 6.28 * u01(rng)};

  cv::Vec3d mean(0, 0, 0);
  for (const auto& p : poses) mean += p.root_position;
  mean *= 1.0 / std::max<std::size_t>(1, poses.size());
  const cv::Vec3d view_dir(0, -std::sin(elevation), -std::cos(elevation));  // camera -> target
  const cv::Matx33d R0 = rot_z(roll) * look_rotation(view_dir);
  // Shift the target within the image plane so the person is not always centred.
  const cv::Vec3d right(R0(0, 0), R0(0, 1), R0(0, 2)), down(R0(1, 0), R0(1, 1), R0(1, 2));
  const cv::Vec3d target = mean - right * (ox * spec.width * shot.distance / focal) -
                           down * (oy * spec.height * shot.distance / focal);
  const cv::Vec3d C0 = target - view_dir * shot.distance;
  const double background_depth = shot.distance + 2.0 + 4.0 * u01(rng);
  const cv::Vec3d background_point = C0 + view_dir * background_depth;

  for (std::size_t t = 0; t < poses.size(); ++t) {
    geometry::PinholeCamera cam;
    cam.fx = cam.fy = focal;
    cam.cx = spec.width / 2.0;
    cam.cy = spec.height / 2.0;
    cv::Vec3d drift = (poses[t].root_position - mean) * follow;
    drift[1] *= 0.3;  // follow mostly horizontally
    const double ts = t / spec.fps;
    cam.R = rot_x(wobble * std::sin(6.283 * wobble_f[0] * ts + wobble_p[0])) *
            rot_y(wobble * std::sin(6.283 * wobble_f[1] * ts + wobble_p[1])) * R0;
    cam.t = -(cam.R * (C0 + drift));
    shot.frames.push_back(cam);
  }
  const cv::Point2d b0 = geometry::project(shot.frames[0], background_point);
  for (const auto& cam : shot.frames)
    shot.background_shift.push_back(geometry::project(cam, background_point) - b0);
  return shot;
}

geometry::Lighting sample_lighting(const SynthSpec& spec, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  geometry::Lighting l;
  l.two_sided = false;
  l.ambient = static_cast<float>(uniform(spec.ambient, rng));
  l.diffuse = static_cast<float>(uniform(spec.diffuse, rng));
  // Towards the light: up (-y) and back at the camera (-z), at a random azimuth.
  const double az = (u01(rng) - 0.5) * 2.4, el = 0.2 + 0.8 * u01(rng);
  l.direction =
      -cv::Vec3f(static_cast<float>(std::sin(az) * std::cos(el)), static_cast<float>(std::sin(el)),
                 static_cast<float>(std::cos(az) * std::cos(el)));
  // Red is drawn first: the benchmark was made by gcc evaluating the two draws right to left.
  const float red = static_cast<float>(0.9 + 0.2 * u01(rng));
  const float blue = static_cast<float>(0.9 + 0.2 * u01(rng));
  l.tint = cv::Vec3f(red, 1.0f, blue);
  return l;
}

std::vector<float> sample_betas(std::mt19937_64& rng, int count, double clip) {
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<float> b(count);
  for (auto& v : b) v = static_cast<float>(std::clamp(n(rng), -clip, clip));
  return b;
}

}  // namespace motioncue::synth
