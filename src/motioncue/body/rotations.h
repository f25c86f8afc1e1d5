// Rotation representations used by the body model and the regressor. All functions are batched
// over leading dimensions, differentiable, and keep the device and dtype of their input.
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::body {

// Rodrigues' formula. (..., 3) -> (..., 3, 3). Uses a Taylor expansion of sin(t)/t and
// (1 - cos t)/t^2 near t = 0, so values and gradients stay finite at the zero rotation.
at::Tensor axis_angle_to_matrix(const at::Tensor& aa);

// The inverse: (..., 3, 3) -> (..., 3) with angle in [0, pi]. Stable near 0 (Taylor) and near pi
// (the axis is read from the symmetric part R + R^T when sin(angle) is small).
at::Tensor matrix_to_axis_angle(const at::Tensor& R);

// Zhou et al.'s continuous 6D representation, docs/METHOD.md section 2: the 6 numbers are a 3x2
// matrix in row-major order; its columns a1, a2 are Gram-Schmidt orthonormalised to b1, b2; b3 = b1
// x b2; R = [b1 b2 b3] as columns. (..., 6) -> (..., 3, 3).
at::Tensor rot6d_to_matrix(const at::Tensor& x);

// The first two columns of R, written as a row-major 3x2 matrix: (..., 3, 3) -> (..., 6).
at::Tensor matrix_to_rot6d(const at::Tensor& R);

}  // namespace motioncue::body
