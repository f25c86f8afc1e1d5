#include "motioncue/model/rotation6d.h"

#include "motioncue/core/error.h"

namespace motioncue::model {

at::Tensor rot6d_to_rotmat(const at::Tensor& rot6d) {
  if (rot6d.dim() < 1 || rot6d.size(-1) != 6)
    throw Error("6D rotations need a last dimension of 6")
        .found(std::to_string(rot6d.dim()) + "-d tensor");
  auto lead = rot6d.sizes().vec();
  lead.pop_back();
  const auto m = rot6d.reshape({-1, 3, 2});
  const auto a1 = m.select(2, 0);
  const auto a2 = m.select(2, 1);
  const auto b1 = torch::nn::functional::normalize(
      a1, torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-12));
  const auto dot = (b1 * a2).sum(1, /*keepdim=*/true);
  const auto b2 = torch::nn::functional::normalize(
      a2 - dot * b1, torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-12));
  const auto b3 = torch::cross(b1, b2, 1);
  auto out = torch::stack({b1, b2, b3}, /*dim=*/-1);
  lead.push_back(3);
  lead.push_back(3);
  return out.reshape(lead);
}

at::Tensor rotmat_to_rot6d(const at::Tensor& rotmat) {
  if (rotmat.dim() < 2 || rotmat.size(-1) != 3 || rotmat.size(-2) != 3)
    throw Error("rotation matrices need trailing dimensions 3x3");
  auto lead = rotmat.sizes().vec();
  lead.resize(lead.size() - 2);
  lead.push_back(6);
  return rotmat.narrow(-1, 0, 2).reshape(lead);
}

}  // namespace motioncue::model
