// Flow fields for the loss tests, defined at the pixel centres (x, y) = (j + 0.5, i + 0.5).
#pragma once

#include <torch/torch.h>

namespace motioncue::testing {

// N x 2 x R x R field equal to A (x, y)^T + c at every pixel centre; A: N x 2 x 2, c: N x 2.
// Bilinear interpolation reproduces an affine field exactly away from the image border.
inline at::Tensor affine_flow(const at::Tensor& A, const at::Tensor& c, int64_t resolution) {
  const auto centres = torch::arange(resolution, A.options()) + 0.5;
  const auto x = centres.view({1, 1, resolution}).expand({1, resolution, resolution});
  const auto y = centres.view({1, resolution, 1}).expand({1, resolution, resolution});
  const auto xy = torch::cat({x, y}).view({1, 2, resolution * resolution});  // 1 x 2 x R^2
  return (torch::matmul(A, xy) + c.unsqueeze(2)).view({A.size(0), 2, resolution, resolution});
}

// Constant flow d (N x 2) everywhere.
inline at::Tensor constant_flow(const at::Tensor& d, int64_t resolution) {
  return d.view({d.size(0), 2, 1, 1}).expand({d.size(0), 2, resolution, resolution}).contiguous();
}

}  // namespace motioncue::testing
