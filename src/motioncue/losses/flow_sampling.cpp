#include "motioncue/losses/flow_sampling.h"

#include <torch/torch.h>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"

namespace motioncue::losses {

at::Tensor sample_at_pixels(const at::Tensor& field, const at::Tensor& positions) {
  constexpr const char* ctx = "sample_at_pixels";
  check_shape(field, {-1, -1, -1, -1}, ctx, "field");
  check_shape(positions, {field.size(0), -1, 2}, ctx, "positions");
  check_floating(field, ctx, "field");
  check_floating(positions, ctx, "positions");
  if (field.device() != positions.device())
    throw Error(std::string(ctx) + ": field and positions are on different devices")
        .found(field.device().str() + " and " + positions.device().str());
  const int64_t n = field.size(0), c = field.size(1), h = field.size(2), w = field.size(3);
  if (h == 0 || w == 0) throw Error(std::string(ctx) + ": empty field").key("field");
  const auto values = field.to(positions.scalar_type());
  if (positions.size(1) == 0) return values.new_zeros({n, 0, c});

  // With align_corners=false, grid_sample puts the centre of pixel j at normalised coordinate
  // (2 j + 1) / W - 1, which is x_norm = 2 u / W - 1 at u = j + 0.5: exactly our convention.
  const auto scale = torch::tensor({2.0 / static_cast<double>(w), 2.0 / static_cast<double>(h)},
                                   positions.options().requires_grad(false));
  const auto grid = (positions * scale - 1.0).unsqueeze(2);  // N x V x 1 x 2
  const auto sampled = at::grid_sampler(values, grid, /*interpolation_mode=*/0,
                                        /*padding_mode=*/0, /*align_corners=*/false);
  return sampled.squeeze(3).permute({0, 2, 1});  // N x C x V x 1 -> N x V x C
}

at::Tensor sample_flow(const at::Tensor& flow, const at::Tensor& positions) {
  check_shape(flow, {-1, 2, -1, -1}, "sample_flow", "flow");
  return sample_at_pixels(flow, positions);
}

}  // namespace motioncue::losses
