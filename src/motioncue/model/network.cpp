#include "motioncue/model/network.h"

#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/model/hmr_module.h"
#include "motioncue/vision/model_store.h"

#include <cmath>

namespace motioncue::model {

std::vector<std::string> backbone_names() {
  return {"compact", "resnet18", "resnet34", "resnet50", "movenet-lightning", "movenet-thunder"};
}

std::string backbone_weights_origin(const NetworkConfig& config) {
  const std::string& model = detail::backbone_spec(config.backbone).trunk.model;
  if (model.empty() || config.from_scratch) return "random";
  return model + " from " + vision::kModelsPackage;
}

void validate(const NetworkConfig& config) {
  detail::backbone_spec(config.backbone);  // throws for an unknown name
  if (config.resolution < 16)
    throw Error("input resolution too small")
        .key("resolution")
        .expected(">= 16")
        .found(std::to_string(config.resolution));
  if (config.iterations < 1)
    throw Error("the regressor needs at least one iteration")
        .key("iterations")
        .found(std::to_string(config.iterations));
  if (config.frozen_blocks < 0)
    throw Error("the number of frozen backbone blocks cannot be negative")
        .key("frozen_blocks")
        .found(std::to_string(config.frozen_blocks));
  if (config.frozen_blocks > 0 && detail::backbone_spec(config.backbone).trunk.model.empty())
    throw Error("only a pretrained backbone has blocks to freeze")
        .key("frozen_blocks")
        .expected("0 for " + config.backbone)
        .found(std::to_string(config.frozen_blocks));
  if (config.frozen_blocks > 0 && config.from_scratch)
    throw Error("frozen blocks of a backbone trained from scratch would stay random")
        .key("frozen_blocks")
        .expected("0 with from_scratch")
        .found(std::to_string(config.frozen_blocks));
  if (!(config.dropout >= 0.0 && config.dropout < 1.0))
    throw Error("dropout probability out of range")
        .key("dropout")
        .expected("[0, 1)")
        .found(std::to_string(config.dropout));
}

InitialState InitialState::upright_default() {
  auto rotmats = torch::eye(3).repeat({kPoseJoints, 1, 1});
  rotmats[0] = torch::diag(torch::tensor({1.0f, -1.0f, -1.0f}));
  return from_rotmats(rotmats, torch::zeros({kShapeDim}), torch::tensor({0.9f, 0.0f, 0.0f}));
}

InitialState InitialState::from_rotmats(const at::Tensor& rotmats, const at::Tensor& betas,
                                        const at::Tensor& cam) {
  if (rotmats.dim() != 3 || rotmats.size(0) != kPoseJoints || rotmats.size(1) != 3 ||
      rotmats.size(2) != 3)
    throw Error("initial pose must be 24 rotation matrices")
        .expected("24x3x3")
        .found(c10::str(rotmats.sizes()));
  if (betas.numel() != kShapeDim)
    throw Error("initial betas must have 10 values").found(std::to_string(betas.numel()));
  if (cam.numel() != kCamDim)
    throw Error("initial camera must have 3 values").found(std::to_string(cam.numel()));
  InitialState s;
  s.pose6d = body::matrix_to_rot6d(rotmats.to(torch::kFloat)).reshape({kPoseDim});
  s.betas = betas.to(torch::kFloat).reshape({kShapeDim}).clone();
  s.cam = cam.to(torch::kFloat).reshape({kCamDim}).clone();
  return s;
}

struct PoseNetwork::Impl {
  NetworkConfig config;
  std::shared_ptr<detail::HmrNet> net;
  bool training = false;
  bool bn_frozen = false;
  bool dropout_enabled = true;
  mutable int64_t flops = -1;

  void apply_modes() {
    net->train(training);
    for (auto& m : net->modules(/*include_self=*/false)) {
      if (m->as<torch::nn::BatchNorm2d>()) m->train(training && !bn_frozen);
      if (m->as<torch::nn::Dropout>()) m->train(training && dropout_enabled);
    }
  }
};

namespace {
Prediction split_state(const torch::Tensor& state) {
  Prediction p;
  p.pose6d = state.narrow(1, 0, kPoseDim);
  p.betas = state.narrow(1, kPoseDim, kShapeDim);
  p.cam = state.narrow(1, kPoseDim + kShapeDim, kCamDim);
  p.rotmats = body::rot6d_to_matrix(p.pose6d.reshape({-1, kPoseJoints, 6}));
  return p;
}
}  // namespace

PoseNetwork::PoseNetwork(const NetworkConfig& config, const InitialState& initial)
    : impl_(std::make_unique<Impl>()) {
  validate(config);
  impl_->config = config;
  impl_->net =
      std::make_shared<detail::HmrNet>(detail::backbone_spec(config.backbone), config.iterations,
                                       config.dropout, config.frozen_blocks, config.from_scratch);
  if (!initial.pose6d.defined() || initial.pose6d.numel() != kPoseDim || !initial.betas.defined() ||
      initial.betas.numel() != kShapeDim || !initial.cam.defined() ||
      initial.cam.numel() != kCamDim)
    throw Error("initial state must hold 144 pose, 10 shape and 3 camera values");
  torch::NoGradGuard no_grad;
  impl_->net->init_pose.copy_(initial.pose6d.reshape({1, kPoseDim}));
  impl_->net->init_shape.copy_(initial.betas.reshape({1, kShapeDim}));
  impl_->net->init_cam.copy_(initial.cam.reshape({1, kCamDim}));
  impl_->apply_modes();
}

PoseNetwork::~PoseNetwork() = default;
PoseNetwork::PoseNetwork(PoseNetwork&&) noexcept = default;
PoseNetwork& PoseNetwork::operator=(PoseNetwork&&) noexcept = default;

static void check_images(const at::Tensor& images) {
  if (!images.defined() || images.dim() != 4 || images.size(1) != 3)
    throw Error("network input must be N x 3 x H x W images")
        .found(images.defined() ? c10::str(images.sizes()) : "undefined tensor");
}

Prediction PoseNetwork::forward(const at::Tensor& images) const {
  check_images(images);
  return split_state(impl_->net->regress(impl_->net->features(images)));
}

at::Tensor PoseNetwork::features(const at::Tensor& images) const {
  check_images(images);
  return impl_->net->features(images);
}

Prediction PoseNetwork::regress(const at::Tensor& features) const {
  if (!features.defined() || features.dim() != 2 || features.size(1) != feature_dim())
    throw Error("regressor input must be N x feature_dim features")
        .expected("N x " + std::to_string(feature_dim()))
        .found(features.defined() ? c10::str(features.sizes()) : "undefined tensor");
  return split_state(impl_->net->regress(features));
}

int64_t PoseNetwork::feature_dim() const { return impl_->net->feature_dim(); }

std::vector<at::Tensor> PoseNetwork::parameters() const { return impl_->net->parameters(); }

std::vector<std::pair<std::string, at::Tensor>> PoseNetwork::named_parameters() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& item : impl_->net->named_parameters())
    out.emplace_back(item.key(), item.value());
  return out;
}

std::vector<std::pair<std::string, at::Tensor>> PoseNetwork::named_buffers() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& item : impl_->net->named_buffers()) out.emplace_back(item.key(), item.value());
  return out;
}

int64_t PoseNetwork::parameter_count() const {
  int64_t n = 0;
  for (const auto& p : impl_->net->parameters()) n += p.numel();
  return n;
}

void PoseNetwork::set_train(bool train) {
  impl_->training = train;
  impl_->apply_modes();
}
bool PoseNetwork::is_training() const { return impl_->training; }
void PoseNetwork::freeze_batchnorm(bool frozen) {
  impl_->bn_frozen = frozen;
  impl_->apply_modes();
}
void PoseNetwork::set_dropout(bool enabled) {
  impl_->dropout_enabled = enabled;
  impl_->apply_modes();
}

void PoseNetwork::to(const c10::Device& device) { impl_->net->to(device); }

c10::Device PoseNetwork::device() const { return impl_->net->init_pose.device(); }

int64_t PoseNetwork::flops_per_image() const {
  if (impl_->flops < 0) {
    torch::NoGradGuard no_grad;
    const int r = impl_->config.resolution;
    auto image = torch::zeros({1, 3, r, r}, torch::TensorOptions().device(device()));
    detail::MacCounter counter;
    impl_->net->train(false);  // batch of one: BatchNorm must use running statistics
    try {
      impl_->net->regress(impl_->net->features(image, &counter), &counter);
    } catch (...) {
      impl_->apply_modes();
      throw;
    }
    impl_->apply_modes();
    impl_->flops = 2 * counter.macs;
  }
  return impl_->flops;
}

const NetworkConfig& PoseNetwork::config() const { return impl_->config; }

torch::nn::Module& PoseNetwork::module() const { return *impl_->net; }

}  // namespace motioncue::model
