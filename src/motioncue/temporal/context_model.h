// The lightweight temporal context of docs/METHOD.md section 6: a small network reads the detached
// predictions of the previous k frames (85 values each: axis-angle pose 72, betas 10, camera 3)
// and modulates the pooled image feature (FiLM, f' = gamma * f + beta) before the regressor.
//
// Layers: Conv1d(k -> channels, kernel 1) over the k frames taken as channels and the 85 values
// as length, LeakyReLU(0.2), Linear(channels * 85 -> hidden), LeakyReLU(0.2), and two bias-free
// heads hidden -> F giving gamma - 1 and beta. The heads start at zero, so an untrained context
// network is exactly the identity (gamma = 1, beta = 0) and the model equals the single-frame
// network; with k = 0 there are no layers at all and it is the single-frame network.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace motioncue::model {
class PoseNetwork;
struct Prediction;
}  // namespace motioncue::model

namespace motioncue::temporal {

inline constexpr int64_t kContextValues = 85;  // 72 + 10 + 3

struct ContextConfig {
  int frames = 8;     // k, the previous frames read; 0 disables the context
  int channels = 16;  // Conv1d output channels
  int hidden = 128;   // width of the shared hidden layer
};
// Throws Error naming the key when a value is out of range.
void validate(const ContextConfig& config);

// One detached context row per frame: N x 85 (axis-angle pose, betas, camera).
at::Tensor context_rows(const model::Prediction& prediction);

// The context windows of one sequence: rows T x 85 -> T x k x 85 where window t holds the rows
// of frames t-k .. t-1 (oldest first). Frames before the start of the sequence repeat frame 0's
// row (the earliest available prediction). Window 0 has no real context; callers use the
// single-frame path for frame 0 (see has_context).
at::Tensor context_windows(const at::Tensor& rows, int frames);

struct Film {
  at::Tensor gamma;  // N x F
  at::Tensor beta;   // N x F
};

class ContextNetwork {
 public:
  ContextNetwork(const ContextConfig& config, int64_t feature_dim);
  ~ContextNetwork();
  ContextNetwork(ContextNetwork&&) noexcept;
  ContextNetwork& operator=(ContextNetwork&&) noexcept;
  ContextNetwork(const ContextNetwork&) = delete;
  ContextNetwork& operator=(const ContextNetwork&) = delete;

  // context: N x k x 85 on the network's device. With k = 0, gamma = 1 and beta = 0.
  Film film(const at::Tensor& context) const;
  // gamma * features + beta; `features` unchanged when k = 0.
  at::Tensor modulate(const at::Tensor& features, const at::Tensor& context) const;

  const ContextConfig& config() const;
  int64_t feature_dim() const;
  std::vector<at::Tensor> parameters() const;
  std::vector<std::pair<std::string, at::Tensor>> named_parameters() const;
  int64_t parameter_count() const;
  void set_train(bool train);
  void to(const c10::Device& device);
  c10::Device device() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The image network with its context: features -> FiLM -> regressor. Rows whose `use_context` is
// false (e.g. the first frame of a sequence) go through the plain single-frame path.
// images: N x 3 x R x R; context: N x k x 85; use_context: N bool (CPU) or empty = all true.
model::Prediction predict_with_context(const model::PoseNetwork& network,
                                       const ContextNetwork& context_network,
                                       const at::Tensor& images, const at::Tensor& context,
                                       const std::vector<bool>& use_context = {});
// The same from precomputed pooled features (N x F).
model::Prediction regress_with_context(const model::PoseNetwork& network,
                                       const ContextNetwork& context_network,
                                       const at::Tensor& features, const at::Tensor& context,
                                       const std::vector<bool>& use_context = {});

}  // namespace motioncue::temporal
