#include "motioncue/data/network_input.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "motioncue/core/error.h"

namespace motioncue::data {
namespace {

void check_crop(const cv::Mat& bgr) {
  if (bgr.empty()) throw Error("cannot make a network input from an empty image");
  if (bgr.type() != CV_8UC3)
    throw Error("network input must be an 8-bit colour image")
        .expected("CV_8UC3 (BGR)")
        .found("OpenCV type " + std::to_string(bgr.type()) + " with " +
               std::to_string(bgr.channels()) + " channels");
}

// out[c][y][x] = (min(1, rgb_c * gain_c) - offset_c) * inv_c
at::Tensor convert(const cv::Mat& bgr, const std::array<float, 3>& gains,
                   const std::array<float, 3>& offset, const std::array<float, 3>& inv, bool clip) {
  check_crop(bgr);
  const int h = bgr.rows, w = bgr.cols;
  at::Tensor out = torch::empty({3, h, w}, torch::kFloat32);
  float* dst = out.data_ptr<float>();
  const std::size_t plane = static_cast<std::size_t>(h) * static_cast<std::size_t>(w);
  std::array<float, 3> scale{};
  for (int c = 0; c < 3; ++c) scale[c] = gains[c] / 255.0f;
  for (int y = 0; y < h; ++y) {
    const auto* row = bgr.ptr<cv::Vec3b>(y);
    float* r = dst + static_cast<std::size_t>(y) * w;
    float* g = r + plane;
    float* b = g + plane;
    for (int x = 0; x < w; ++x) {
      float vr = row[x][2] * scale[0], vg = row[x][1] * scale[1], vb = row[x][0] * scale[2];
      if (clip) {
        vr = std::min(vr, 1.0f);
        vg = std::min(vg, 1.0f);
        vb = std::min(vb, 1.0f);
      }
      r[x] = (vr - offset[0]) * inv[0];
      g[x] = (vg - offset[1]) * inv[1];
      b[x] = (vb - offset[2]) * inv[2];
    }
  }
  return out;
}

}  // namespace

at::Tensor to_network_input(const cv::Mat& bgr_crop, const std::array<float, 3>& gains) {
  for (float g : gains)
    if (!(g >= 0.0f)) throw Error("colour gains must be non-negative").found(std::to_string(g));
  const std::array<float, 3> inv = {1.0f / kImageStd[0], 1.0f / kImageStd[1], 1.0f / kImageStd[2]};
  return convert(bgr_crop, gains, kImageMean, inv, true);
}

at::Tensor to_rgb_tensor(const cv::Mat& bgr_crop) {
  return convert(bgr_crop, {1, 1, 1}, {0, 0, 0}, {1, 1, 1}, false);
}

cv::Mat network_input_to_bgr(const at::Tensor& input) {
  if (input.dim() != 3 || input.size(0) != 3)
    throw Error("expected a (3, H, W) network input").found(std::to_string(input.dim()) + " dims");
  const auto mean = torch::tensor({kImageMean[0], kImageMean[1], kImageMean[2]}).view({3, 1, 1});
  const auto stdv = torch::tensor({kImageStd[0], kImageStd[1], kImageStd[2]}).view({3, 1, 1});
  at::Tensor rgb = (input.detach().to(torch::kCPU, torch::kFloat32) * stdv + mean)
                       .clamp(0.0, 1.0)
                       .mul(255.0)
                       .round()
                       .to(torch::kUInt8);
  at::Tensor hwc = rgb.flip({0}).permute({1, 2, 0}).contiguous();  // RGB -> BGR, HWC
  cv::Mat out(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_8UC3);
  std::memcpy(out.data, hwc.data_ptr<std::uint8_t>(), static_cast<std::size_t>(hwc.numel()));
  return out;
}

}  // namespace motioncue::data
