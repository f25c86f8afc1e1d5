// The joint sets of the body model (docs/METHOD.md section 3, docs/FORMATS.md): SMPL's 24-joint
// kinematic tree and the 24 keypoints in SPIN's order (the first 14 are the evaluation joints),
// with their left/right mirror permutations.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>

namespace motioncue::body {

constexpr int kNumJoints = 24;
constexpr int kNumKeypoints = 24;
constexpr int kNumEvalJoints = 14;

// Kinematic joint indices (SMPL tree order).
enum KinematicJoint : int {
  kPelvis = 0,
  kLeftHip,
  kRightHip,
  kSpine1,
  kLeftKnee,
  kRightKnee,
  kSpine2,
  kLeftAnkle,
  kRightAnkle,
  kSpine3,
  kLeftFoot,
  kRightFoot,
  kNeck,
  kLeftCollar,
  kRightCollar,
  kHead,
  kLeftShoulder,
  kRightShoulder,
  kLeftElbow,
  kRightElbow,
  kLeftWrist,
  kRightWrist,
  kLeftHand,
  kRightHand
};

// Keypoint indices (SPIN ground-truth order).
enum Keypoint : int {
  kKpRightAnkle = 0,
  kKpRightKnee,
  kKpRightHip,
  kKpLeftHip,
  kKpLeftKnee,
  kKpLeftAnkle,
  kKpRightWrist,
  kKpRightElbow,
  kKpRightShoulder,
  kKpLeftShoulder,
  kKpLeftElbow,
  kKpLeftWrist,
  kKpNeck,
  kKpHeadTop,
  kKpPelvis,
  kKpThorax,
  kKpSpine,
  kKpJaw,
  kKpHead,
  kKpNose,
  kKpLeftEye,
  kKpRightEye,
  kKpLeftEar,
  kKpRightEar
};

const std::array<int, kNumJoints>& kinematic_parents();  // SMPL tree, root -1
const std::array<const char*, kNumJoints>& kinematic_joint_names();
const std::array<const char*, kNumKeypoints>& keypoint_names();

// p[i] is the joint that joint i becomes in the mirror image (left <-> right).
const std::array<int, kNumJoints>& flip_kinematic_permutation();
const std::array<int, kNumKeypoints>& flip_keypoint_permutation();

// Mirrors a pose about the body's sagittal plane (x -> -x): swaps left and right joints and
// negates the y and z components of every axis-angle. (N, 72) -> (N, 72).
at::Tensor flip_pose(const at::Tensor& pose_aa);

}  // namespace motioncue::body
