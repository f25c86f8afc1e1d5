#include "motioncue/model/hmr_module.h"

#include "motioncue/core/error.h"
#include "motioncue/model/network.h"

#include <memory>

namespace motioncue::model::detail {
namespace nn = torch::nn;

namespace {

torch::Tensor counted_conv(nn::Conv2d& conv, const torch::Tensor& x, MacCounter* counter) {
  auto y = conv->forward(x);
  if (counter) {
    const auto& w = conv->weight;  // out x in/groups x kh x kw
    counter->macs += y.numel() / y.size(0) * w.size(1) * w.size(2) * w.size(3);
  }
  return y;
}

torch::Tensor counted_linear(nn::Linear& linear, const torch::Tensor& x, MacCounter* counter) {
  if (counter) counter->macs += linear->weight.numel();
  return linear->forward(x);
}

nn::Conv2d make_conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

// torchvision's "downsample": a 1x1 strided conv and a BatchNorm, registered as "0" and "1".
class Downsample : public nn::Module {
 public:
  Downsample(int64_t in, int64_t out, int64_t stride)
      : conv(register_module("0", make_conv(in, out, 1, stride, 0))),
        bn(register_module("1", nn::BatchNorm2d(out))) {}
  torch::Tensor forward(const torch::Tensor& x, MacCounter* counter) {
    return bn->forward(counted_conv(conv, x, counter));
  }
  nn::Conv2d conv;
  nn::BatchNorm2d bn;
};

class BasicBlock : public ResidualBlock {
 public:
  static constexpr int64_t kExpansion = 1;
  BasicBlock(int64_t in, int64_t planes, int64_t stride)
      : conv1(register_module("conv1", make_conv(in, planes, 3, stride, 1))),
        bn1(register_module("bn1", nn::BatchNorm2d(planes))),
        conv2(register_module("conv2", make_conv(planes, planes, 3, 1, 1))),
        bn2(register_module("bn2", nn::BatchNorm2d(planes))) {
    if (stride != 1 || in != planes)
      downsample = register_module("downsample", std::make_shared<Downsample>(in, planes, stride));
  }
  torch::Tensor forward(const torch::Tensor& x, MacCounter* counter) override {
    auto y = torch::relu(bn1->forward(counted_conv(conv1, x, counter)));
    y = bn2->forward(counted_conv(conv2, y, counter));
    const auto identity = downsample ? downsample->forward(x, counter) : x;
    return torch::relu(y + identity);
  }
  nn::Conv2d conv1;
  nn::BatchNorm2d bn1;
  nn::Conv2d conv2;
  nn::BatchNorm2d bn2;
  std::shared_ptr<Downsample> downsample;
};

class Bottleneck : public ResidualBlock {
 public:
  static constexpr int64_t kExpansion = 4;
  Bottleneck(int64_t in, int64_t planes, int64_t stride)
      : conv1(register_module("conv1", make_conv(in, planes, 1, 1, 0))),
        bn1(register_module("bn1", nn::BatchNorm2d(planes))),
        conv2(register_module("conv2", make_conv(planes, planes, 3, stride, 1))),
        bn2(register_module("bn2", nn::BatchNorm2d(planes))),
        conv3(register_module("conv3", make_conv(planes, planes * kExpansion, 1, 1, 0))),
        bn3(register_module("bn3", nn::BatchNorm2d(planes * kExpansion))) {
    if (stride != 1 || in != planes * kExpansion)
      downsample = register_module("downsample",
                                   std::make_shared<Downsample>(in, planes * kExpansion, stride));
  }
  torch::Tensor forward(const torch::Tensor& x, MacCounter* counter) override {
    auto y = torch::relu(bn1->forward(counted_conv(conv1, x, counter)));
    y = torch::relu(bn2->forward(counted_conv(conv2, y, counter)));
    y = bn3->forward(counted_conv(conv3, y, counter));
    const auto identity = downsample ? downsample->forward(x, counter) : x;
    return torch::relu(y + identity);
  }
  nn::Conv2d conv1;
  nn::BatchNorm2d bn1;
  nn::Conv2d conv2;
  nn::BatchNorm2d bn2;
  nn::Conv2d conv3;
  nn::BatchNorm2d bn3;
  std::shared_ptr<Downsample> downsample;
};

// torchvision's ResNet initialisation: Kaiming-normal (fan_out, ReLU) convolutions, BatchNorm
// weight 1 and bias 0.
void init_backbone(nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& child : module.modules(/*include_self=*/false)) {
    if (auto* conv = child->as<nn::Conv2d>()) {
      nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    } else if (auto* bn = child->as<nn::BatchNorm2d>()) {
      nn::init::ones_(bn->weight);
      nn::init::zeros_(bn->bias);
    }
  }
}

}  // namespace

BackboneSpec backbone_spec(const std::string& name) {
  BackboneSpec spec;
  if (name == "resnet18") {
    spec.blocks = {2, 2, 2, 2};
  } else if (name == "resnet34") {
    spec.blocks = {3, 4, 6, 3};
  } else if (name == "resnet50") {
    spec.bottleneck = true;
    spec.blocks = {3, 4, 6, 3};
  } else if (name == "compact") {
    // A one-block-per-stage ResNet with quarter widths: ~1.2 M backbone parameters and ~0.13
    // GFLOPs at 128 px, sized for CPU training at 64-128 px.
    spec.blocks = {1, 1, 1, 1};
    spec.widths = {32, 64, 128, 256};
    spec.stem_width = 32;
    spec.stem_kernel = 5;
  } else if (name == "movenet-lightning" || name == "movenet-thunder") {
    // MoveNet's MobileNetV2 up to its last 1x1 convolution (1,280 channels, stride 32), before
    // the feature pyramid and the keypoint heads; lightning is width 1.0 at 192 px, thunder
    // width 1.75 at 256 px.
    const std::string scope =
        "StatefulPartitionedCall/center_net_mobile_net_v2fpn_feature_extractor/model_1/model/";
    spec.trunk.model = name;
    spec.trunk.feed = "StatefulPartitionedCall/stack";
    spec.trunk.output = scope + "out_relu/Relu6";
    spec.trunk.weight_scope = scope;
    spec.trunk.channels = 1280;
    spec.trunk.native_resolution = name == "movenet-lightning" ? 192 : 256;
  } else {
    std::string names;
    for (const auto& n : backbone_names()) names += (names.empty() ? "" : ", ") + n;
    throw Error("unknown backbone").key("backbone").expected(names).found(name);
  }
  return spec;
}

HmrNet::HmrNet(const BackboneSpec& spec, int64_t iterations, double dropout, int64_t frozen_blocks,
               bool from_scratch)
    : iterations_(iterations) {
  if (!spec.trunk.model.empty()) {
    trunk = register_module("trunk",
                            std::make_shared<TfjsTrunk>(spec.trunk, frozen_blocks, from_scratch));
    feature_dim_ = spec.trunk.channels;
  } else {
    build_resnet(spec);
  }

  fc1 = register_module("fc1", nn::Linear(feature_dim_ + kStateDim, 1024));
  drop1 = register_module("drop1", nn::Dropout(dropout));
  fc2 = register_module("fc2", nn::Linear(1024, 1024));
  drop2 = register_module("drop2", nn::Dropout(dropout));
  decpose = register_module("decpose", nn::Linear(1024, kPoseDim));
  decshape = register_module("decshape", nn::Linear(1024, kShapeDim));
  deccam = register_module("deccam", nn::Linear(1024, kCamDim));
  {
    torch::NoGradGuard no_grad;
    nn::init::xavier_uniform_(decpose->weight, 0.01);
    nn::init::xavier_uniform_(decshape->weight, 0.01);
    nn::init::xavier_uniform_(deccam->weight, 0.01);
  }
  init_pose = register_buffer("init_pose", torch::zeros({1, kPoseDim}));
  init_shape = register_buffer("init_shape", torch::zeros({1, kShapeDim}));
  init_cam = register_buffer("init_cam", torch::zeros({1, kCamDim}));
}

void HmrNet::build_resnet(const BackboneSpec& spec) {
  conv1 = register_module("conv1",
                          make_conv(3, spec.stem_width, spec.stem_kernel, 2, spec.stem_kernel / 2));
  bn1 = register_module("bn1", nn::BatchNorm2d(spec.stem_width));
  maxpool = register_module("maxpool", nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1)));
  const int64_t expansion = spec.bottleneck ? Bottleneck::kExpansion : BasicBlock::kExpansion;
  int64_t in = spec.stem_width;
  for (int stage = 0; stage < 4; ++stage) {
    nn::ModuleList list;
    const int64_t planes = spec.widths[stage];
    for (int64_t b = 0; b < spec.blocks[stage]; ++b) {
      const int64_t stride = (stage > 0 && b == 0) ? 2 : 1;
      if (spec.bottleneck)
        list->push_back(std::make_shared<Bottleneck>(in, planes, stride));
      else
        list->push_back(std::make_shared<BasicBlock>(in, planes, stride));
      in = planes * expansion;
    }
    layers[stage] = register_module("layer" + std::to_string(stage + 1), list);
  }
  feature_dim_ = in;
  init_backbone(*this);
}

torch::Tensor HmrNet::features(const torch::Tensor& images, MacCounter* counter) {
  if (trunk) return trunk->forward(images, counter ? &counter->macs : nullptr);
  auto x = torch::relu(bn1->forward(counted_conv(conv1, images, counter)));
  x = maxpool->forward(x);
  for (auto& layer : layers)
    for (auto& block : *layer) x = block->as<ResidualBlock>()->forward(x, counter);
  return torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
}

torch::Tensor HmrNet::regress(const torch::Tensor& features, MacCounter* counter) {
  const int64_t n = features.size(0);
  auto pose = init_pose.expand({n, kPoseDim});
  auto shape = init_shape.expand({n, kShapeDim});
  auto cam = init_cam.expand({n, kCamDim});
  for (int64_t i = 0; i < iterations_; ++i) {
    auto h = torch::cat({features, pose, shape, cam}, 1);
    h = drop1->forward(counted_linear(fc1, h, counter));
    h = drop2->forward(counted_linear(fc2, h, counter));
    pose = counted_linear(decpose, h, counter) + pose;
    shape = counted_linear(decshape, h, counter) + shape;
    cam = counted_linear(deccam, h, counter) + cam;
  }
  return torch::cat({pose, shape, cam}, 1);
}

}  // namespace motioncue::model::detail
