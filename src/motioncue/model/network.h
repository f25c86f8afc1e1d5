// The single-image pose network (docs/METHOD.md section 2): a CNN backbone giving a pooled feature,
// followed by SPIN's iterative regressor (3 iterations of fc1 -> drop1 -> fc2 -> drop2 and the
// residual heads decpose/decshape/deccam). Parameter names follow SPIN/EFT's HMR exactly, so
// their PyTorch state dicts map by name (see pytorch_io.h).
//
// This header hides torch::nn: PoseNetwork is a facade over the module (pimpl).
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "motioncue/body/joint_sets.h"

namespace torch::nn {
class Module;
}

namespace motioncue::model {

inline constexpr int64_t kPoseJoints = body::kNumJoints;
inline constexpr int64_t kPoseDim = kPoseJoints * 6;  // 144
inline constexpr int64_t kShapeDim = 10;
inline constexpr int64_t kCamDim = 3;
inline constexpr int64_t kStateDim = kPoseDim + kShapeDim + kCamDim;  // 157

struct NetworkConfig {
  // "compact", "resnet18", "resnet34", "resnet50" (from random weights), or "movenet-lightning",
  // "movenet-thunder": MoveNet's MobileNetV2 trunk with its pretrained weights (the models
  // scripts/fetch_models brings in).
  std::string backbone = "compact";
  int resolution = 128;   // input crop side; any value works (global pooling)
  int iterations = 3;     // regressor iterations
  double dropout = 0.5;   // drop1/drop2 probability
  int frozen_blocks = 0;  // pretrained backbones: the first blocks that keep their weights
  // Pretrained backbones: the same architecture with fresh random weights instead of the
  // model's own (the control for what pretraining buys). The other backbones always start so.
  bool from_scratch = false;
};
// Throws Error naming the offending key when a value is out of range or unknown.
void validate(const NetworkConfig& config);
// Where the backbone's starting weights come from, for a checkpoint's record: "random" or
// "<model> from <npm package>".
std::string backbone_weights_origin(const NetworkConfig& config);
// The backbone names PoseNetwork accepts.
std::vector<std::string> backbone_names();

// The regressor's starting point, stored in the buffers init_pose (1,144), init_shape (1,10),
// init_cam (1,3) as SPIN does.
struct InitialState {
  at::Tensor pose6d;  // 144 (24 joints x 6D)
  at::Tensor betas;   // 10
  at::Tensor cam;     // 3 (s, tx, ty)

  // Global orientation = 180 degrees about x (upright and facing the camera in the OpenCV camera
  // frame), the other 23 joints identity, betas 0, camera (0.9, 0, 0).
  static InitialState upright_default();
  // From 24 rotation matrices (24x3x3, e.g. the body model's mean pose), betas (10) and camera
  // (3). Throws Error on wrong shapes.
  static InitialState from_rotmats(const at::Tensor& rotmats, const at::Tensor& betas,
                                   const at::Tensor& cam);
};

struct Prediction {
  at::Tensor rotmats;  // N x 24 x 3 x 3
  at::Tensor pose6d;   // N x 144
  at::Tensor betas;    // N x 10
  at::Tensor cam;      // N x 3 (weak perspective s, tx, ty)
};

class PoseNetwork {
 public:
  PoseNetwork(const NetworkConfig& config, const InitialState& initial);
  ~PoseNetwork();
  PoseNetwork(PoseNetwork&&) noexcept;
  PoseNetwork& operator=(PoseNetwork&&) noexcept;
  PoseNetwork(const PoseNetwork&) = delete;
  PoseNetwork& operator=(const PoseNetwork&) = delete;

  // images: N x 3 x H x W, ImageNet-normalised, on the network's device.
  Prediction forward(const at::Tensor& images) const;
  // The pooled backbone feature, N x feature_dim().
  at::Tensor features(const at::Tensor& images) const;
  // The iterative regressor alone, from (possibly modulated) features N x feature_dim().
  Prediction regress(const at::Tensor& features) const;
  int64_t feature_dim() const;

  std::vector<at::Tensor> parameters() const;
  std::vector<std::pair<std::string, at::Tensor>> named_parameters() const;
  // Running BatchNorm statistics and the initial state (init_pose, init_shape, init_cam).
  std::vector<std::pair<std::string, at::Tensor>> named_buffers() const;
  int64_t parameter_count() const;

  // Training mode. BatchNorm and dropout follow it unless overridden below; the overrides stay
  // in force across later set_train calls.
  void set_train(bool train);
  bool is_training() const;
  // Frozen: BatchNorm uses (and does not update) its running statistics even when training.
  void freeze_batchnorm(bool frozen);
  // Disabled: dropout is off even when training.
  void set_dropout(bool enabled);

  void to(const c10::Device& device);
  c10::Device device() const;

  // Multiply-adds x 2 of one forward pass at the configured resolution, counting convolutions
  // and linear layers (BatchNorm, activations and pooling are left out).
  int64_t flops_per_image() const;
  const NetworkConfig& config() const;

  // The underlying module, for code inside model/ and for optimizers needing the module itself.
  torch::nn::Module& module() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace motioncue::model
