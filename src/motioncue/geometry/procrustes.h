// Similarity Procrustes alignment (scale, proper rotation, translation), as used by PA-MPJPE
// (docs/METHOD.md section 7), and its rotation-only variant (Kabsch about the origin), as used by
// the evaluator's MPJPE-R.
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::geometry {

// Which parts of the similarity transform are fitted; the rotation always is.
struct ProcrustesOptions {
  bool scale = true;        // false: unit scale
  bool translation = true;  // false: no centring, the rotation is about the origin
};
inline constexpr ProcrustesOptions kRotationOnly{false, false};

// Aligns each X[n] to Y[n] (both N x K x 3) with the least-squares similarity transform whose
// rotation has determinant +1 (the reflection an SVD may suggest is fixed, as in SPIN/EFT).
// Returns the aligned X, N x K x 3, in X's dtype and on X's device. Computed in double.
// Not meant to be differentiated (it may be, through the SVD, but nothing relies on it).
// `options` restricts the transform (e.g. kRotationOnly: the best proper rotation about the
// origin, for point sets already centred on a chosen point).
at::Tensor procrustes_align(const at::Tensor& X, const at::Tensor& Y,
                            const ProcrustesOptions& options = {});

}  // namespace motioncue::geometry
