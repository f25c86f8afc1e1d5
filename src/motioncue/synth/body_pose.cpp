#include "motioncue/synth/body_pose.h"

#include <opencv2/calib3d.hpp>

#include <cmath>

namespace motioncue::synth {

cv::Matx33d rot_x(double a) {
  const double c = std::cos(a), s = std::sin(a);
  return {1, 0, 0, 0, c, -s, 0, s, c};
}
cv::Matx33d rot_y(double a) {
  const double c = std::cos(a), s = std::sin(a);
  return {c, 0, s, 0, 1, 0, -s, 0, c};
}
cv::Matx33d rot_z(double a) {
  const double c = std::cos(a), s = std::sin(a);
  return {c, -s, 0, s, c, 0, 0, 0, 1};
}

cv::Matx33d euler_to_matrix(const cv::Vec3d& e) { return rot_x(e[0]) * rot_y(e[1]) * rot_z(e[2]); }

cv::Vec3d matrix_to_axis_angle(const cv::Matx33d& r) {
  cv::Vec3d aa;
  cv::Rodrigues(r, aa);
  return aa;
}

cv::Matx33d axis_angle_to_matrix(const cv::Vec3d& aa) {
  cv::Matx33d r;
  cv::Rodrigues(aa, r);
  return r;
}

std::array<double, 72> to_axis_angle_pose(const BodyPose& pose, const cv::Matx33d& root) {
  std::array<double, 72> out{};
  const cv::Vec3d r0 = matrix_to_axis_angle(root);
  for (int k = 0; k < 3; ++k) out[k] = r0[k];
  for (int j = 1; j < kNumBodyJoints; ++j) {
    const cv::Vec3d aa = matrix_to_axis_angle(euler_to_matrix(pose.euler[j]));
    for (int k = 0; k < 3; ++k) out[3 * j + k] = aa[k];
  }
  return out;
}

}  // namespace motioncue::synth
