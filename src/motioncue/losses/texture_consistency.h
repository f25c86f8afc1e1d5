// TexturePose-style colour consistency (docs/METHOD.md section 6): the same surface point should
// have the same colour in both frames of a pair.
#pragma once

#include <ATen/core/Tensor.h>

namespace motioncue::losses {

struct TextureLossTerms {
  at::Tensor loss;                     // scalar, differentiable in p1 and p2
  double mean_visible_fraction = 0.0;  // mean over pairs of (vertices visible in both) / V
};

// image1, image2: N x C x H x W, the clean crops of the two frames, i.e. before the per-frame
// colour gains and the ImageNet normalisation that the network's inputs get (the gains would make
// the frames differ on purpose; the loss compares the person's actual colours). Values in the
// crops' own scale (e.g. [0, 1]); the loss is in that scale squared.
// p1, p2: N x V x 2 crop pixels at the images' resolution; both_visible: N x V.
// Colours are sampled bilinearly at p1 in image1 and p2 in image2 (differentiable in the
// positions through the image gradients); per pair, the squared colour distance (summed over
// channels) is averaged over the vertices visible in both; the loss is the mean over the pairs
// with at least one such vertex. No visible vertex: an exact 0 that keeps the graph, never NaN.
TextureLossTerms texture_consistency_loss(const at::Tensor& image1, const at::Tensor& image2,
                                          const at::Tensor& p1, const at::Tensor& p2,
                                          const at::Tensor& both_visible);

}  // namespace motioncue::losses
