#include "motioncue/body/joint_sets.h"

#include <torch/torch.h>

#include "motioncue/core/error.h"

namespace motioncue::body {

const std::array<int, kNumJoints>& kinematic_parents() {
  static const std::array<int, kNumJoints> p = {-1, 0, 0, 0,  1,  2,  3,  4,  5,  6,  7,  8,
                                                9,  9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21};
  return p;
}

const std::array<const char*, kNumJoints>& kinematic_joint_names() {
  static const std::array<const char*, kNumJoints> n = {
      "pelvis",     "left_hip",    "right_hip",    "spine1",      "left_knee",     "right_knee",
      "spine2",     "left_ankle",  "right_ankle",  "spine3",      "left_foot",     "right_foot",
      "neck",       "left_collar", "right_collar", "head",        "left_shoulder", "right_shoulder",
      "left_elbow", "right_elbow", "left_wrist",   "right_wrist", "left_hand",     "right_hand"};
  return n;
}

const std::array<const char*, kNumKeypoints>& keypoint_names() {
  static const std::array<const char*, kNumKeypoints> n = {
      "right_ankle", "right_knee",  "right_hip",      "left_hip",      "left_knee",  "left_ankle",
      "right_wrist", "right_elbow", "right_shoulder", "left_shoulder", "left_elbow", "left_wrist",
      "neck",        "head_top",    "pelvis",         "thorax",        "spine",      "jaw",
      "head",        "nose",        "left_eye",       "right_eye",     "left_ear",   "right_ear"};
  return n;
}

const std::array<int, kNumJoints>& flip_kinematic_permutation() {
  static const std::array<int, kNumJoints> p = {0,  2,  1,  3,  5,  4,  6,  8,  7,  9,  11, 10,
                                                12, 14, 13, 15, 17, 16, 19, 18, 21, 20, 23, 22};
  return p;
}

const std::array<int, kNumKeypoints>& flip_keypoint_permutation() {
  static const std::array<int, kNumKeypoints> p = {5,  4,  3,  2,  1,  0,  11, 10, 9,  8,  7,  6,
                                                   12, 13, 14, 15, 16, 17, 18, 19, 21, 20, 23, 22};
  return p;
}

at::Tensor flip_pose(const at::Tensor& pose_aa) {
  if (!pose_aa.defined() || pose_aa.dim() != 2 || pose_aa.size(1) != 3 * kNumJoints) {
    throw Error("wrong pose shape")
        .key("pose")
        .expected("(N, 72)")
        .found(pose_aa.defined() ? c10::str(pose_aa.sizes()) : std::string("undefined"));
  }
  const auto& perm = flip_kinematic_permutation();
  auto index = torch::tensor(std::vector<int64_t>(perm.begin(), perm.end()),
                             torch::TensorOptions().dtype(torch::kLong).device(pose_aa.device()));
  auto joints = pose_aa.reshape({pose_aa.size(0), kNumJoints, 3}).index_select(1, index);
  auto sign = torch::tensor({1.0, -1.0, -1.0}, pose_aa.options());
  return (joints * sign).reshape({pose_aa.size(0), 3 * kNumJoints});
}

}  // namespace motioncue::body
