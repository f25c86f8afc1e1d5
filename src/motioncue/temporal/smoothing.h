// Smoothness for sequences: the moving-average term of the sequence optimiser and the One-Euro
// filter (Casiez et al. 2012) for video output.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "motioncue/eval/evaluator.h"
#include "motioncue/model/network.h"

namespace motioncue::temporal {

// x: T x ... (rows in time order). The mean over t = 1 .. T-2 of
// sum |x_t - (x_{t-1} + x_{t+1}) / 2|^2 (summed over the trailing dimensions): zero on any
// constant-velocity motion. A differentiable 0 when T < 3.
at::Tensor smoothness_term(const at::Tensor& x);

struct OneEuroOptions {
  double min_cutoff = 1.0;  // Hz: the cutoff at rest (lower = smoother, more lag)
  double beta = 0.0;        // cutoff increase per unit of speed (higher = less lag when moving)
  double d_cutoff = 1.0;    // Hz: cutoff of the derivative's low-pass
  // Casiez's filter low-passes towards the previous output, so it lags behind any motion. With
  // `trend`, it low-passes towards the previous output advanced by the filtered velocity (a
  // Holt-style prediction): exactly the identity on constant-velocity motion, and still a
  // low-pass on jitter.
  bool trend = true;
};
// Throws Error naming the key for a non-positive cutoff or a negative beta.
void validate(const OneEuroOptions& options);

// Element-wise One-Euro filter over a stream of tensors of one shape.
class OneEuroFilter {
 public:
  OneEuroFilter(const OneEuroOptions& options, double rate_hz);
  at::Tensor operator()(const at::Tensor& x);
  void reset();

 private:
  OneEuroOptions options_;
  double rate_;
  int64_t count_ = 0;
  at::Tensor x_hat_, dx_hat_;  // previous output and filtered velocity (units per second)
};

// A whole sequence T x ... through a fresh filter.
at::Tensor one_euro_sequence(const at::Tensor& x, const OneEuroOptions& options, double rate_hz);

// Filters the parameters of a prediction sequence (T frames): the 6D pose (rotation matrices
// rebuilt from it), betas and camera.
model::Prediction filter_prediction(const model::Prediction& sequence,
                                    const OneEuroOptions& options, double rate_hz);

// Wraps a predictor: its outputs are filtered per sequence (state restarts at a new sequence or
// a frame gap). Batches must come in sequence order, as eval::evaluate delivers them.
eval::Predictor filtered_predictor(eval::Predictor inner, const OneEuroOptions& options,
                                   double rate_hz);

}  // namespace motioncue::temporal
