// Differentiable bilinear sampling of dense per-pixel fields (optical flow, images) at crop-pixel
// positions, in the pixel convention of docs/METHOD.md section 2: pixel edges at integers, the
// centre of pixel (i, j) at (x, y) = (j + 0.5, i + 0.5).
//
// Outside the image the field is zero: a position more than half a pixel beyond the outermost
// pixel centres samples exactly 0, and within that half-pixel band the value fades linearly from
// the edge pixel to 0 (bilinear interpolation against a zero border, as torch's grid_sample with
// padding "zeros" and align_corners=false). The result is continuous in the positions.
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::losses {

// field: N x C x H x W; positions: N x V x 2 (x, y) in pixels -> N x V x C. Differentiable with
// respect to both the positions and the field. The field is converted to the positions' dtype;
// both must be on the same device.
at::Tensor sample_at_pixels(const at::Tensor& field, const at::Tensor& positions);

// The same for a flow field: flow N x 2 x H x W (pixels, channel 0 = x, 1 = y) -> N x V x 2.
at::Tensor sample_flow(const at::Tensor& flow, const at::Tensor& positions);

}  // namespace motioncue::losses
