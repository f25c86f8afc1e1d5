#include "motioncue/geometry/procrustes.h"

#include <torch/torch.h>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"

namespace motioncue::geometry {

at::Tensor procrustes_align(const at::Tensor& X, const at::Tensor& Y,
                            const ProcrustesOptions& options) {
  if (X.dim() != 3 || X.size(2) != 3)
    throw Error("wrong point set shape").key("X").expected("N x K x 3").found(shape_string(X));
  if (!X.sizes().equals(Y.sizes()))
    throw Error("point sets differ in shape")
        .key("Y")
        .expected(shape_string(X))
        .found(shape_string(Y));
  const auto x = X.to(torch::kFloat64), y = Y.to(X.device(), torch::kFloat64);
  // The SVD below fails on non-finite input with an opaque LibTorch message; a network whose
  // weights blew up is the usual cause, so say so.
  for (const auto& [t, name] : {std::pair{&x, "X"}, std::pair{&y, "Y"}})
    if (!torch::isfinite(*t).all().item<bool>())
      throw Error("point set holds NaN or infinite values (a diverged network?)").key(name);
  // Without translation the sets are taken as they are (the rotation is about the origin).
  const auto mu_x = options.translation ? x.mean(1, true) : torch::zeros({1, 1, 3}, x.options());
  const auto mu_y = options.translation ? y.mean(1, true) : torch::zeros({1, 1, 3}, x.options());
  const auto x0 = x - mu_x, y0 = y - mu_y;
  // M = Y0^T X0 = U S V^T; the best rotation is U diag(1, 1, d) V^T with d = det(U V^T).
  const auto m = torch::matmul(y0.transpose(1, 2), x0);
  const auto [u, s, vh] = torch::linalg_svd(m, /*full_matrices=*/true);
  const auto d = torch::sign(torch::linalg_det(torch::matmul(u, vh)));
  auto z = torch::ones({x.size(0), 3}, x.options());
  z.select(1, 2).copy_(torch::where(d == 0, torch::ones_like(d), d));
  const auto r = torch::matmul(u * z.unsqueeze(1), vh);  // N x 3 x 3
  const auto rotated = torch::matmul(x0, r.transpose(1, 2));
  if (!options.scale) return (rotated + mu_y).to(X.scalar_type());
  // scale = trace(diag(z) S) / |X0|^2; a set of identical points gets scale 0 (no NaN).
  const auto var_x = x0.pow(2).sum({1, 2});  // N
  const auto scale = (s * z).sum(1) / var_x.clamp_min(1e-300);
  const auto aligned = scale.view({-1, 1, 1}) * rotated + mu_y;
  return aligned.to(X.scalar_type());
}

}  // namespace motioncue::geometry
