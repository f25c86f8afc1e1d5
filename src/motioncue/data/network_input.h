// Turning a crop into what the network reads, shared by training, refinement, evaluation and
// inference so the normalisation cannot drift between them.
#pragma once

#include <ATen/core/Tensor.h>

#include <opencv2/core.hpp>

#include <array>

namespace motioncue::data {

// ImageNet statistics on RGB in [0, 1].
inline constexpr std::array<float, 3> kImageMean = {0.485f, 0.456f, 0.406f};
inline constexpr std::array<float, 3> kImageStd = {0.229f, 0.224f, 0.225f};

// A BGR CV_8UC3 crop -> (3, H, W) float tensor: RGB in [0, 1], each channel multiplied by its
// gain (RGB order) and clipped to [0, 1] (SPIN's colour augmentation), then ImageNet-normalised.
at::Tensor to_network_input(const cv::Mat& bgr_crop, const std::array<float, 3>& gains = {1, 1, 1});
// The same crop as plain RGB in [0, 1], (3, H, W) float, without gains or normalisation.
at::Tensor to_rgb_tensor(const cv::Mat& bgr_crop);
// Inverse of to_network_input without gains: (3, H, W) normalised -> BGR CV_8UC3 (for viewing).
cv::Mat network_input_to_bgr(const at::Tensor& input);

}  // namespace motioncue::data
