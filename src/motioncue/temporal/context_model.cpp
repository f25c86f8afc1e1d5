#include "motioncue/temporal/context_model.h"

#include <torch/torch.h>

#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/model/network.h"

namespace motioncue::temporal {

void validate(const ContextConfig& config) {
  if (config.frames < 0 || config.frames > 256)
    throw Error("temporal context frames out of range")
        .key("frames")
        .expected("0..256")
        .found(std::to_string(config.frames));
  if (config.channels < 1)
    throw Error("temporal context channels must be positive")
        .key("channels")
        .found(std::to_string(config.channels));
  if (config.hidden < 1)
    throw Error("temporal context hidden width must be positive")
        .key("hidden")
        .found(std::to_string(config.hidden));
}

at::Tensor context_rows(const model::Prediction& prediction) {
  torch::NoGradGuard no_grad;
  const int64_t n = prediction.rotmats.size(0);
  auto aa = body::matrix_to_axis_angle(prediction.rotmats.detach()).reshape({n, 72});
  return torch::cat({aa, prediction.betas.detach(), prediction.cam.detach()}, 1);
}

at::Tensor context_windows(const at::Tensor& rows, int frames) {
  if (rows.dim() != 2 || rows.size(1) != kContextValues)
    throw Error("context rows must be T x 85").found(std::to_string(rows.dim()) + "-d tensor");
  const int64_t t_count = rows.size(0);
  if (frames == 0) return rows.new_empty({t_count, 0, kContextValues});
  // index[t][j] = max(t - k + j, 0): frames t-k .. t-1, clamped to the first frame.
  auto t = torch::arange(t_count, torch::dtype(torch::kLong).device(rows.device())).unsqueeze(1);
  auto j = torch::arange(frames, torch::dtype(torch::kLong).device(rows.device())).unsqueeze(0);
  auto index = (t - frames + j).clamp_min(0);
  return rows.index_select(0, index.reshape({-1})).reshape({t_count, frames, kContextValues});
}

// Named rather than anonymous: ContextNetwork::Impl, declared in the header, holds one.
namespace context_detail {

struct ContextModuleImpl : torch::nn::Module {
  ContextModuleImpl(const ContextConfig& config, int64_t feature_dim) {
    if (config.frames == 0) return;
    conv = register_module(
        "conv", torch::nn::Conv1d(torch::nn::Conv1dOptions(config.frames, config.channels, 1)));
    fc = register_module("fc", torch::nn::Linear(config.channels * kContextValues, config.hidden));
    gamma_head = register_module(
        "gamma_head",
        torch::nn::Linear(torch::nn::LinearOptions(config.hidden, feature_dim).bias(false)));
    beta_head = register_module(
        "beta_head",
        torch::nn::Linear(torch::nn::LinearOptions(config.hidden, feature_dim).bias(false)));
    torch::NoGradGuard no_grad;
    gamma_head->weight.zero_();
    beta_head->weight.zero_();
  }
  torch::nn::Conv1d conv{nullptr};
  torch::nn::Linear fc{nullptr}, gamma_head{nullptr}, beta_head{nullptr};
};
TORCH_MODULE(ContextModule);

}  // namespace context_detail

struct ContextNetwork::Impl {
  ContextConfig config;
  int64_t feature_dim;
  context_detail::ContextModule module;
  Impl(const ContextConfig& c, int64_t f) : config(c), feature_dim(f), module(c, f) {}
};

ContextNetwork::ContextNetwork(const ContextConfig& config, int64_t feature_dim) {
  validate(config);
  if (feature_dim < 1)
    throw Error("feature dimension must be positive").found(std::to_string(feature_dim));
  impl_ = std::make_unique<Impl>(config, feature_dim);
}
ContextNetwork::~ContextNetwork() = default;
ContextNetwork::ContextNetwork(ContextNetwork&&) noexcept = default;
ContextNetwork& ContextNetwork::operator=(ContextNetwork&&) noexcept = default;

Film ContextNetwork::film(const at::Tensor& context) const {
  const auto& c = impl_->config;
  if (context.dim() != 3 || context.size(1) != c.frames || context.size(2) != kContextValues)
    throw Error("context must be N x k x 85")
        .expected("k = " + std::to_string(c.frames))
        .found(std::to_string(context.dim()) + "-d tensor");
  const int64_t n = context.size(0);
  auto options = context.options();
  if (c.frames == 0)
    return {torch::ones({n, impl_->feature_dim}, options),
            torch::zeros({n, impl_->feature_dim}, options)};
  auto& m = *impl_->module;
  auto h = torch::leaky_relu(m.conv->forward(context), 0.2);
  h = torch::leaky_relu(m.fc->forward(h.reshape({n, -1})), 0.2);
  return {m.gamma_head->forward(h) + 1.0, m.beta_head->forward(h)};
}

at::Tensor ContextNetwork::modulate(const at::Tensor& features, const at::Tensor& context) const {
  if (impl_->config.frames == 0) return features;
  if (features.dim() != 2 || features.size(1) != impl_->feature_dim ||
      features.size(0) != context.size(0))
    throw Error("features must be N x F matching the context")
        .expected("F = " + std::to_string(impl_->feature_dim));
  auto f = film(context);
  return f.gamma * features + f.beta;
}

const ContextConfig& ContextNetwork::config() const { return impl_->config; }
int64_t ContextNetwork::feature_dim() const { return impl_->feature_dim; }
std::vector<at::Tensor> ContextNetwork::parameters() const { return impl_->module->parameters(); }
std::vector<std::pair<std::string, at::Tensor>> ContextNetwork::named_parameters() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& item : impl_->module->named_parameters())
    out.emplace_back(item.key(), item.value());
  return out;
}
int64_t ContextNetwork::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}
void ContextNetwork::set_train(bool train) { impl_->module->train(train); }
void ContextNetwork::to(const c10::Device& device) { impl_->module->to(device); }
c10::Device ContextNetwork::device() const {
  auto params = parameters();
  return params.empty() ? c10::Device(c10::kCPU) : params.front().device();
}

model::Prediction regress_with_context(const model::PoseNetwork& network,
                                       const ContextNetwork& context_network,
                                       const at::Tensor& features, const at::Tensor& context,
                                       const std::vector<bool>& use_context) {
  const int64_t n = features.size(0);
  if (!use_context.empty() && static_cast<int64_t>(use_context.size()) != n)
    throw Error("use_context must have one entry per frame")
        .expected(std::to_string(n))
        .found(std::to_string(use_context.size()));
  auto modulated = context_network.modulate(features, context);
  if (!use_context.empty()) {
    std::vector<int64_t> flags(use_context.begin(), use_context.end());
    auto mask = torch::tensor(flags).to(features.device()).to(torch::kBool).unsqueeze(1);
    modulated = torch::where(mask, modulated, features);
  }
  return network.regress(modulated);
}

model::Prediction predict_with_context(const model::PoseNetwork& network,
                                       const ContextNetwork& context_network,
                                       const at::Tensor& images, const at::Tensor& context,
                                       const std::vector<bool>& use_context) {
  return regress_with_context(network, context_network, network.features(images), context,
                              use_context);
}

}  // namespace motioncue::temporal
