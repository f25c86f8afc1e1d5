// Central finite differences against LibTorch autograd, in double precision.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace motioncue::testing {

// Largest |autograd - finite difference| over every element of every input, relative to
// max(1, |finite difference|). `f` maps the inputs to a scalar.
inline double max_gradient_error(const std::function<at::Tensor(const std::vector<at::Tensor>&)>& f,
                                 std::vector<at::Tensor> inputs, double step = 1e-6) {
  for (auto& x : inputs) x = x.detach().clone().to(torch::kFloat64).requires_grad_(true);
  const auto value = f(inputs);
  const auto grads = torch::autograd::grad({value}, inputs, {}, false, false, true);
  double worst = 0.0;
  torch::NoGradGuard no_grad;
  for (size_t k = 0; k < inputs.size(); ++k) {
    auto flat = inputs[k].view(-1);
    const auto analytic = grads[k].defined() ? grads[k].reshape(-1) : torch::zeros_like(flat);
    for (int64_t i = 0; i < flat.numel(); ++i) {
      const double original = flat[i].item<double>();
      flat[i] = original + step;
      const double up = f(inputs).item<double>();
      flat[i] = original - step;
      const double down = f(inputs).item<double>();
      flat[i] = original;
      const double numeric = (up - down) / (2 * step);
      const double err =
          std::abs(analytic[i].item<double>() - numeric) / std::max(1.0, std::abs(numeric));
      worst = std::max(worst, err);
    }
  }
  return worst;
}

}  // namespace motioncue::testing
