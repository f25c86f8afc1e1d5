// SMPL's layer (docs/METHOD.md section 3) in LibTorch: shape blend shapes, joint regression,
// optional pose blend shapes, forward kinematics on the 24-joint tree and linear blend skinning.
// Batched, differentiable with respect to pose and shape, device- and dtype-agnostic. The model is
// read from an .npz in SMPL's key layout (docs/FORMATS.md); the built-in open model uses the same
// file.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "motioncue/body/skinning.h"

namespace motioncue::body {

struct BodyOutput {
  at::Tensor vertices;   // N, V, 3
  at::Tensor joints;     // N, 24, 3 kinematic joints (posed)
  at::Tensor keypoints;  // N, 24, 3 SPIN order; the first 14 are the evaluation joints
};

class BodyModel {
 public:
  // Reads and validates a model file; every problem names the file and the key. A keypoint
  // regressor file (.npy), when given, replaces the file's keypoints: 9 x V is SPIN's
  // J_regressor_extra (keypoint_fallback.h), 24 x V all 24 keypoints. It joins the hash.
  static BodyModel load(const std::filesystem::path& npz,
                        const std::filesystem::path& keypoint_regressor = {});

  // rotmats: N x 24 x 3 x 3 (joint 0 global, the others relative to their parents);
  // betas: N x B with B <= num_betas() (missing betas are zero). No translation is applied.
  // Without `with_vertices` the mesh is not posed (vertices undefined): joints and keypoints only.
  BodyOutput forward(const at::Tensor& rotmats, const at::Tensor& betas,
                     bool with_vertices = true) const;
  // forward(rotmats, betas).keypoints alone, without posing the vertices (the same values up to
  // rounding; skinning.h says how).
  at::Tensor keypoints(const at::Tensor& rotmats, const at::Tensor& betas) const;
  // pose: N x 72 axis-angle.
  BodyOutput forward_axis_angle(const at::Tensor& pose, const at::Tensor& betas) const;

  int64_t num_vertices() const { return v_template_.size(0); }
  int64_t num_betas() const { return num_betas_; }
  bool has_pose_blendshapes() const { return posedirs_.defined(); }
  // False for a file with neither a keypoint regressor nor landmarks to build one from; then
  // forward() throws (see docs/ARCHITECTURE.md, "## body").
  bool has_keypoints() const { return keypoint_regressor_.defined(); }

  const at::Tensor& faces() const { return faces_; }  // F x 3 int64, CPU
  const at::Tensor& template_vertices() const { return v_template_; }
  const at::Tensor& skinning_weights() const { return weights_; }               // V x 24
  const at::Tensor& shape_directions() const { return shapedirs_; }             // V*3 x B
  const at::Tensor& joint_regressor() const { return j_regressor_; }            // 24 x V
  const at::Tensor& keypoint_regressor() const { return keypoint_regressor_; }  // 24 x V
  at::Tensor part_labels() const { return part_labels_; }  // V int64, or undefined if absent
  const std::vector<std::string>& part_names() const { return part_names_; }
  const std::map<std::string, int64_t>& landmarks() const { return landmarks_; }
  const std::vector<int>& parents() const { return parents_; }
  // The 24 rest joints of the template (24 x 3).
  at::Tensor rest_joints() const;

  // Stable hex digest of the arrays in the file (names, dtypes, shapes and values).
  std::string hash() const { return hash_; }
  const std::filesystem::path& source() const { return source_; }

  void to(const at::Device& device, at::ScalarType dtype = at::kFloat);
  at::ScalarType dtype() const { return v_template_.scalar_type(); }
  at::Device device() const { return v_template_.device(); }

 private:
  struct Posed;
  Posed pose(const at::Tensor& rotmats, const at::Tensor& betas) const;

  int64_t num_betas_ = 0;
  at::Tensor v_template_;          // V x 3
  at::Tensor shapedirs_;           // V*3 x B
  at::Tensor posedirs_;            // 207 x V*3, or undefined
  at::Tensor j_regressor_;         // 24 x V
  at::Tensor j_template_;          // 24 x 3 = J_regressor * v_template
  at::Tensor j_shapedirs_;         // 24*3 x B = J_regressor * shapedirs
  at::Tensor weights_;             // V x 24
  at::Tensor keypoint_regressor_;  // 24 x V, or undefined
  SkinningWeights skinning_;
  KeypointSkinning keypoint_skinning_;  // from keypoint_regressor_, when it is defined
  at::Tensor faces_;                    // F x 3 int64 CPU
  at::Tensor part_labels_;              // V int64 CPU, or undefined
  std::vector<std::string> part_names_;
  std::map<std::string, int64_t> landmarks_;
  std::vector<int> parents_;
  std::string hash_;
  std::filesystem::path source_;
  // The float64 arrays as loaded, so that to() never converts from an already rounded copy.
  std::shared_ptr<const std::vector<at::Tensor>> master_;
};

// The built-in open model: $MOTIONCUE_CACHE (or ~/.cache/motioncue) / open_body_v1.npz.
std::filesystem::path default_model_path();
// Loads the built-in model, building it first (atomically) when the file is missing.
BodyModel load_default_model();
// Generates the open body model (open_model.h) and writes it; the same bytes on every run.
void build_open_body_model(const std::filesystem::path& out);

}  // namespace motioncue::body
