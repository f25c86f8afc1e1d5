#include "motioncue/body/rotations.h"

#include <torch/torch.h>

#include <string>

#include "motioncue/core/error.h"

namespace motioncue::body {
namespace {

void require_last_dims(const at::Tensor& t, std::initializer_list<int64_t> dims, const char* what) {
  const auto n = static_cast<int64_t>(dims.size());
  bool ok = t.defined() && t.dim() >= n;
  int64_t i = 0;
  for (int64_t d : dims) {
    if (!ok) break;
    ok = t.size(t.dim() - n + i) == d;
    ++i;
  }
  if (!ok) {
    std::string want = "(...";
    for (int64_t d : dims) want += ", " + std::to_string(d);
    want += ")";
    throw Error("wrong tensor shape")
        .key(what)
        .expected(want)
        .found(t.defined() ? c10::str(t.sizes()) : std::string("undefined"));
  }
}

at::Tensor skew(const at::Tensor& v) {
  auto x = v.select(-1, 0), y = v.select(-1, 1), z = v.select(-1, 2);
  auto zero = torch::zeros_like(x);
  auto rows = torch::stack({zero, -z, y, z, zero, -x, -y, x, zero}, -1);
  auto shape = v.sizes().vec();
  shape.back() = 3;
  shape.push_back(3);
  return rows.reshape(shape);
}

}  // namespace

at::Tensor axis_angle_to_matrix(const at::Tensor& aa) {
  require_last_dims(aa, {3}, "axis_angle");
  const double small = aa.scalar_type() == at::kDouble ? 1e-4 : 1e-2;
  auto theta2 = (aa * aa).sum(-1, /*keepdim=*/true);
  auto is_small = theta2 < small * small;
  // The unused branch of torch::where must not produce NaN gradients: feed it a safe value.
  auto safe_theta2 = torch::where(is_small, torch::ones_like(theta2), theta2);
  auto theta = safe_theta2.sqrt();
  auto a_big = torch::sin(theta) / theta;
  auto b_big = (1 - torch::cos(theta)) / safe_theta2;
  auto a_small = 1 - theta2 / 6 + theta2 * theta2 / 120;
  auto b_small = 0.5 - theta2 / 24 + theta2 * theta2 / 720;
  auto a = torch::where(is_small, a_small, a_big).unsqueeze(-1);
  auto b = torch::where(is_small, b_small, b_big).unsqueeze(-1);
  auto K = skew(aa);
  auto eye = torch::eye(3, aa.options()).expand_as(K);
  return eye + a * K + b * torch::matmul(K, K);
}

at::Tensor matrix_to_axis_angle(const at::Tensor& R) {
  require_last_dims(R, {3, 3}, "rotation_matrix");
  const bool dbl = R.scalar_type() == at::kDouble;
  const double small = dbl ? 1e-4 : 1e-2;
  auto r = [&](int i, int j) { return R.select(-2, i).select(-1, j); };
  // v = vee(R - R^T) / 2 = sin(theta) * axis.
  auto v = torch::stack({r(2, 1) - r(1, 2), r(0, 2) - r(2, 0), r(1, 0) - r(0, 1)}, -1) * 0.5;
  auto trace = r(0, 0) + r(1, 1) + r(2, 2);
  auto cos_t = ((trace - 1) * 0.5).clamp(-1, 1);
  auto sin_t = v.norm(2, -1);
  auto theta = torch::atan2(sin_t, cos_t);

  // Regular case: axis-angle = theta / sin(theta) * v. Near 0 use the Taylor series
  // theta / sin(theta) = 1 + theta^2 / 6 + 7 theta^4 / 360, written in terms of sin^2.
  auto near_zero = theta < small;
  auto safe_sin = torch::where(near_zero, torch::ones_like(sin_t), sin_t);
  auto safe_theta = torch::where(near_zero, torch::ones_like(theta), theta);
  auto s2 = (v * v).sum(-1);
  auto factor_small = 1 + s2 / 6 + 3 * s2 * s2 / 40;
  auto factor = torch::where(near_zero, factor_small, safe_theta / safe_sin);
  auto regular = v * factor.unsqueeze(-1);

  // Near pi sin(theta) vanishes and v loses the axis. Then R + I = 2 a a^T + (1 + cos t)(I - a a^T)
  // ~ 2 a a^T: take the column of B = (R + R^T)/2 - cos(t) I with the largest diagonal entry,
  // normalise it, and pick the sign that agrees with v.
  auto near_pi = theta > (M_PI - (dbl ? 1e-3 : 1e-1));
  auto eye = torch::eye(3, R.options());
  auto B = (R + R.transpose(-1, -2)) * 0.5 - cos_t.unsqueeze(-1).unsqueeze(-1) * eye;
  auto diag = B.diagonal(0, -2, -1);
  auto k = diag.argmax(-1, /*keepdim=*/true);  // (..., 1)
  auto col_index = k.unsqueeze(-2).expand(B.sizes().vec()).narrow(-1, 0, 1);
  auto col = B.gather(-1, col_index).squeeze(-1);  // (..., 3) column k
  auto col_norm = col.norm(2, -1, /*keepdim=*/true);
  auto axis = col / torch::where(col_norm > 0, col_norm, torch::ones_like(col_norm));
  auto sign = torch::where((axis * v).sum(-1, true) < 0, -torch::ones_like(col_norm),
                           torch::ones_like(col_norm));
  auto at_pi = axis * sign * theta.unsqueeze(-1);
  return torch::where(near_pi.unsqueeze(-1), at_pi, regular);
}

at::Tensor rot6d_to_matrix(const at::Tensor& x) {
  require_last_dims(x, {6}, "rot6d");
  auto shape = x.sizes().vec();
  shape.back() = 3;
  shape.push_back(2);
  auto m = x.reshape(shape);  // row-major 3x2
  auto a1 = m.select(-1, 0), a2 = m.select(-1, 1);
  auto b1 =
      torch::nn::functional::normalize(a1, torch::nn::functional::NormalizeFuncOptions().dim(-1));
  auto b2 = a2 - (b1 * a2).sum(-1, true) * b1;
  b2 = torch::nn::functional::normalize(b2, torch::nn::functional::NormalizeFuncOptions().dim(-1));
  auto b3 = torch::cross(b1, b2, -1);
  return torch::stack({b1, b2, b3}, -1);
}

at::Tensor matrix_to_rot6d(const at::Tensor& R) {
  require_last_dims(R, {3, 3}, "rotation_matrix");
  auto shape = R.sizes().vec();
  shape.pop_back();
  shape.back() = 6;
  return R.narrow(-1, 0, 2).reshape(shape);
}

}  // namespace motioncue::body
