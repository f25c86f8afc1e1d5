// The 6D rotation representation of Zhou et al. 2019 as SPIN uses it: the 6 numbers are a 3x2
// matrix in row-major order whose two columns are orthonormalised (Gram-Schmidt); the third
// column is their cross product.
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::model {

// (..., 6) -> (..., 3, 3). Differentiable; device and dtype follow the input.
at::Tensor rot6d_to_rotmat(const at::Tensor& rot6d);
// (..., 3, 3) -> (..., 6): the first two columns, row-major.
at::Tensor rotmat_to_rot6d(const at::Tensor& rotmat);

}  // namespace motioncue::model
