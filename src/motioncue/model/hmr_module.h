// Internal to model/: the torch::nn module behind PoseNetwork. SPIN's HMR layout: the ResNet
// stem and stages at top level (conv1, bn1, layer1..layer4), or a pretrained trunk ("trunk.*",
// tfjs_trunk.h), then fc1, drop1, fc2, drop2,
// decpose, decshape, deccam and the buffers init_pose, init_shape, init_cam. Blocks follow
// torchvision (BasicBlock: conv1 bn1 conv2 bn2; Bottleneck: + conv3 bn3, stride on conv2;
// downsample.0 = 1x1 conv, downsample.1 = BatchNorm).
#pragma once

#include <torch/nn.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "motioncue/model/tfjs_trunk.h"

namespace motioncue::model::detail {

struct BackboneSpec {
  bool bottleneck = false;
  std::array<int64_t, 4> blocks{2, 2, 2, 2};
  std::array<int64_t, 4> widths{64, 128, 256, 512};
  int64_t stem_width = 64;
  int64_t stem_kernel = 7;
  TrunkSpec trunk;  // a pretrained TFJS trunk instead of the ResNet when trunk.model is set
};
// Throws Error for an unknown name.
BackboneSpec backbone_spec(const std::string& name);

// Counts multiply-adds of convolutions and linear layers while non-null.
struct MacCounter {
  int64_t macs = 0;
};

class ResidualBlock : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& x, MacCounter* counter) = 0;
};

class HmrNet : public torch::nn::Module {
 public:
  HmrNet(const BackboneSpec& spec, int64_t iterations, double dropout, int64_t frozen_blocks = 0,
         bool from_scratch = false);

  torch::Tensor features(const torch::Tensor& images, MacCounter* counter = nullptr);
  // Returns the state after the last iteration: N x 157 = [pose6d, betas, cam].
  torch::Tensor regress(const torch::Tensor& features, MacCounter* counter = nullptr);

  int64_t feature_dim() const { return feature_dim_; }

  std::shared_ptr<TfjsTrunk>
      trunk;  // set for a pretrained backbone; the ResNet parts are then null
  torch::nn::Conv2d conv1{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  torch::nn::MaxPool2d maxpool{nullptr};
  std::array<torch::nn::ModuleList, 4> layers{
      torch::nn::ModuleList{nullptr}, torch::nn::ModuleList{nullptr},
      torch::nn::ModuleList{nullptr}, torch::nn::ModuleList{nullptr}};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::nn::Dropout drop1{nullptr}, drop2{nullptr};
  torch::nn::Linear decpose{nullptr}, decshape{nullptr}, deccam{nullptr};
  torch::Tensor init_pose, init_shape, init_cam;

 private:
  void build_resnet(const BackboneSpec& spec);

  int64_t feature_dim_ = 0;
  int64_t iterations_ = 3;
};

}  // namespace motioncue::model::detail
