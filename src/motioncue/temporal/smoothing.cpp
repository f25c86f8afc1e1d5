#include "motioncue/temporal/smoothing.h"

#include <torch/torch.h>

#include <cmath>
#include <memory>

#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/data/sequence_loader.h"

namespace motioncue::temporal {

at::Tensor smoothness_term(const at::Tensor& x) {
  const int64_t t = x.size(0);
  if (t < 3) return (x * 0).sum();
  auto mid = x.slice(0, 1, t - 1);
  auto avg = (x.slice(0, 0, t - 2) + x.slice(0, 2, t)) * 0.5;
  return (mid - avg).pow(2).reshape({t - 2, -1}).sum(1).mean();
}

void validate(const OneEuroOptions& options) {
  if (!(options.min_cutoff > 0))
    throw Error("One-Euro min_cutoff must be positive")
        .key("min_cutoff")
        .found(std::to_string(options.min_cutoff));
  if (!(options.d_cutoff > 0))
    throw Error("One-Euro d_cutoff must be positive")
        .key("d_cutoff")
        .found(std::to_string(options.d_cutoff));
  if (!(options.beta >= 0))
    throw Error("One-Euro beta must not be negative")
        .key("beta")
        .found(std::to_string(options.beta));
}

OneEuroFilter::OneEuroFilter(const OneEuroOptions& options, double rate_hz)
    : options_(options), rate_(rate_hz) {
  validate(options);
  if (!(rate_hz > 0))
    throw Error("filter rate must be positive").key("fps").found(std::to_string(rate_hz));
}

void OneEuroFilter::reset() {
  count_ = 0;
  x_hat_ = at::Tensor();
  dx_hat_ = at::Tensor();
}

namespace {
// Smoothing factor of an exponential low-pass with the given cutoff at the given rate.
at::Tensor alpha(const at::Tensor& cutoff, double rate) {
  auto tau = 1.0 / (2.0 * M_PI * cutoff);
  return 1.0 / (1.0 + tau * rate);
}
}  // namespace

at::Tensor OneEuroFilter::operator()(const at::Tensor& x_in) {
  auto x = x_in.detach();
  if (count_ > 0 && x.sizes() != x_hat_.sizes())
    throw Error("One-Euro filter input changed shape mid-stream");
  ++count_;
  if (count_ == 1) {
    x_hat_ = x.clone();
    dx_hat_ = torch::zeros_like(x);
    return x_hat_.clone();
  }
  auto dx = (x - x_hat_) * rate_;
  if (count_ == 2) {
    dx_hat_ = dx;  // the first difference is the best velocity estimate there is
  } else {
    auto a_d = alpha(torch::full_like(x, options_.d_cutoff), rate_);
    dx_hat_ = a_d * dx + (1 - a_d) * dx_hat_;
  }
  // With trend, the prior is the previous output advanced by the (just updated) velocity.
  auto predicted = options_.trend ? x_hat_ + dx_hat_ / rate_ : x_hat_;
  auto cutoff = options_.min_cutoff + options_.beta * dx_hat_.abs();
  auto a = alpha(cutoff, rate_);
  x_hat_ = a * x + (1 - a) * predicted;
  return x_hat_.clone();
}

at::Tensor one_euro_sequence(const at::Tensor& x, const OneEuroOptions& options, double rate_hz) {
  OneEuroFilter filter(options, rate_hz);
  std::vector<at::Tensor> out;
  for (int64_t t = 0; t < x.size(0); ++t) out.push_back(filter(x[t]));
  return out.empty() ? x.clone() : torch::stack(out);
}

namespace {
at::Tensor pack(const model::Prediction& p) {
  return torch::cat({p.pose6d.detach(), p.betas.detach(), p.cam.detach()}, 1);
}
model::Prediction unpack(const at::Tensor& packed) {
  const int64_t n = packed.size(0);
  model::Prediction p;
  p.pose6d = packed.slice(1, 0, model::kPoseDim).contiguous();
  p.betas = packed.slice(1, model::kPoseDim, model::kPoseDim + model::kShapeDim).contiguous();
  p.cam = packed.slice(1, model::kPoseDim + model::kShapeDim, model::kStateDim).contiguous();
  p.rotmats = body::rot6d_to_matrix(p.pose6d.reshape({n, model::kPoseJoints, 6}));
  return p;
}
}  // namespace

model::Prediction filter_prediction(const model::Prediction& sequence,
                                    const OneEuroOptions& options, double rate_hz) {
  return unpack(one_euro_sequence(pack(sequence), options, rate_hz));
}

eval::Predictor filtered_predictor(eval::Predictor inner, const OneEuroOptions& options,
                                   double rate_hz) {
  struct State {
    OneEuroFilter filter;
    std::int64_t seq = -1, frame = -1;
  };
  auto state = std::make_shared<State>(State{OneEuroFilter(options, rate_hz)});
  return [inner = std::move(inner), state](const data::FrameBatch& batch) {
    auto packed = pack(inner(batch));
    std::vector<at::Tensor> rows;
    for (int64_t i = 0; i < packed.size(0); ++i) {
      const auto u = static_cast<size_t>(i);
      if (batch.seq[u] != state->seq || batch.frame[u] != state->frame + 1) state->filter.reset();
      state->seq = batch.seq[u], state->frame = batch.frame[u];
      rows.push_back(state->filter(packed[i]));
    }
    return unpack(torch::stack(rows));
  };
}

}  // namespace motioncue::temporal
