#include "motioncue/losses/texture_consistency.h"

#include <torch/torch.h>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"
#include "motioncue/losses/flow_sampling.h"

namespace motioncue::losses {

TextureLossTerms texture_consistency_loss(const at::Tensor& image1, const at::Tensor& image2,
                                          const at::Tensor& p1, const at::Tensor& p2,
                                          const at::Tensor& both_visible) {
  constexpr const char* ctx = "texture_consistency_loss";
  check_shape(p1, {-1, -1, 2}, ctx, "p1");
  const int64_t n = p1.size(0), v = p1.size(1);
  check_shape(p2, {n, v, 2}, ctx, "p2");
  check_shape(both_visible, {n, v}, ctx, "both_visible");
  check_shape(image1, {n, -1, -1, -1}, ctx, "image1");
  check_shape(image2, {n, image1.size(1), image1.size(2), image1.size(3)}, ctx, "image2");

  const auto mask = (both_visible != 0).to(p1.scalar_type());
  const auto c1 = sample_at_pixels(image1, p1);  // N x V x C
  const auto c2 = sample_at_pixels(image2, p2);
  const auto squared = (c1 - c2).pow(2).sum(2);  // N x V
  const auto count = mask.sum(1);                // N
  const auto per_pair = (mask * squared).sum(1) / count.clamp_min(1.0);
  const auto used = (count > 0).to(per_pair.scalar_type());

  TextureLossTerms out;
  out.loss = (per_pair * used).sum() / used.sum().clamp_min(1.0);
  out.mean_visible_fraction = n > 0 && v > 0 ? mask.mean().item<double>() : 0.0;
  return out;
}

}  // namespace motioncue::losses
