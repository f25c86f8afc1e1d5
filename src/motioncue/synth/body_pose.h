// The pose representation the motion library and the static pose sampler produce, before any
// camera: the body's root orientation and pelvis position in a y-up world (metres; the model's
// rest pose faces +z), and the 23 joint rotations relative to their parents (SMPL tree order).
// Joint rotations are written as three angles (x, y, z) composed as Rx * Ry * Rz in the joint's
// rest frame (so z is applied first); joint_limits.h bounds each of them.
#pragma once

#include <opencv2/core.hpp>

#include <array>

namespace motioncue::synth {

constexpr int kNumBodyJoints = 24;  // SMPL's kinematic tree, joint 0 = pelvis (root)

struct BodyPose {
  cv::Matx33d root_rotation = cv::Matx33d::eye();  // world from body
  cv::Vec3d root_position{0, 0, 0};                // pelvis, world, metres (y up)
  std::array<cv::Vec3d, kNumBodyJoints> euler{};   // [0] unused; joints 1..23 local angles
};

cv::Matx33d rot_x(double a);
cv::Matx33d rot_y(double a);
cv::Matx33d rot_z(double a);
// Rx(e[0]) * Ry(e[1]) * Rz(e[2]).
cv::Matx33d euler_to_matrix(const cv::Vec3d& e);
cv::Vec3d matrix_to_axis_angle(const cv::Matx33d& r);
cv::Matx33d axis_angle_to_matrix(const cv::Vec3d& aa);

// The 72 axis-angle values of the pose with `root` as joint 0 (the caller puts the root into the
// camera frame first) and the local rotations of joints 1..23.
std::array<double, 72> to_axis_angle_pose(const BodyPose& pose, const cv::Matx33d& root);

}  // namespace motioncue::synth
