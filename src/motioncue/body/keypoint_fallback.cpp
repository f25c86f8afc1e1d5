#include "motioncue/body/keypoint_fallback.h"

#include <torch/torch.h>

#include "motioncue/body/joint_sets.h"

namespace motioncue::body {

at::Tensor fallback_keypoint_regressor(const at::Tensor& j_regressor,
                                       const std::map<std::string, std::int64_t>& landmarks,
                                       std::int64_t num_vertices) {
  const std::map<std::string, std::int64_t> smpl_ids = {{"head_top", 412},  {"nose", 332},
                                                        {"left_eye", 2800}, {"right_eye", 6260},
                                                        {"left_ear", 583},  {"right_ear", 4071}};
  auto vertex_of = [&](const std::string& name) -> std::int64_t {
    auto it = landmarks.find(name);
    if (it != landmarks.end()) return it->second;
    if (num_vertices == 6890) return smpl_ids.at(name);
    return -1;
  };
  for (const char* name : {"head_top", "nose", "left_eye", "right_eye", "left_ear", "right_ear"}) {
    if (vertex_of(name) < 0) return {};
  }

  auto jr = j_regressor.to(torch::kDouble);
  auto k = torch::zeros({kNumKeypoints, num_vertices}, torch::kDouble);
  auto joint = [&](int kp, int j) { k[kp] = jr[j]; };
  auto one_hot = [&](int kp, std::int64_t vertex) { k[kp][vertex] = 1.0; };
  joint(kKpRightAnkle, kRightAnkle);
  joint(kKpRightKnee, kRightKnee);
  joint(kKpRightHip, kRightHip);
  joint(kKpLeftHip, kLeftHip);
  joint(kKpLeftKnee, kLeftKnee);
  joint(kKpLeftAnkle, kLeftAnkle);
  joint(kKpRightWrist, kRightWrist);
  joint(kKpRightElbow, kRightElbow);
  joint(kKpRightShoulder, kRightShoulder);
  joint(kKpLeftShoulder, kLeftShoulder);
  joint(kKpLeftElbow, kLeftElbow);
  joint(kKpLeftWrist, kLeftWrist);
  joint(kKpNeck, kNeck);
  one_hot(kKpHeadTop, vertex_of("head_top"));
  joint(kKpPelvis, kPelvis);
  k[kKpThorax] = 0.5 * (jr[kSpine3] + jr[kNeck]);
  joint(kKpSpine, kSpine2);
  auto chin = landmarks.find("chin");
  if (chin != landmarks.end()) {
    one_hot(kKpJaw, chin->second);
  } else {
    k[kKpJaw] = 0.5 * (jr[kNeck] + jr[kHead]);
  }
  joint(kKpHead, kHead);
  one_hot(kKpNose, vertex_of("nose"));
  one_hot(kKpLeftEye, vertex_of("left_eye"));
  one_hot(kKpRightEye, vertex_of("right_eye"));
  one_hot(kKpLeftEar, vertex_of("left_ear"));
  one_hot(kKpRightEar, vertex_of("right_ear"));
  return k;
}

at::Tensor with_spin_extra_joints(const at::Tensor& keypoints, const at::Tensor& extra) {
  const int rows[kSpinExtraJoints] = {kKpRightHip, kKpLeftHip, kKpNeck, kKpHeadTop, kKpPelvis,
                                      kKpThorax,   kKpSpine,   kKpJaw,  kKpHead};
  at::Tensor k = keypoints.clone();
  for (std::int64_t i = 0; i < kSpinExtraJoints; ++i) k[rows[i]] = extra[i].to(k.scalar_type());
  return k;
}

}  // namespace motioncue::body
