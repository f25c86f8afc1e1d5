// Similarity Procrustes alignment (scale, proper rotation, translation), as used by PA-MPJPE
// (METHOD.md section 7).
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::geometry {

// Aligns each X[n] to Y[n] (both N x K x 3) with the least-squares similarity transform whose
// rotation has determinant +1 (the reflection an SVD may suggest is fixed, as in SPIN/EFT).
// Returns the aligned X, N x K x 3, in X's dtype and on X's device. Computed in double.
// Not meant to be differentiated (it may be, through the SVD, but nothing relies on it).
at::Tensor procrustes_align(const at::Tensor& X, const at::Tensor& Y);

}  // namespace motioncue::geometry
