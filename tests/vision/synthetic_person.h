// The test image of the TFJS fixtures (tests/fixtures/vision/README.md): a capsule figure on a
// gradient, all integer arithmetic, regenerated here exactly as
// scripts/tfjs_reference/make_input.mjs writes it, so the fixtures need not store it.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace motioncue::testing {

inline std::vector<std::int32_t> synthetic_person_image(int size) {
  struct Part {
    std::int64_t ax, ay, bx, by, r;
    std::array<int, 3> rgb;
  };
  const std::array<int, 3> skin{224, 182, 150}, shirt{200, 40, 40}, pants{40, 60, 160};
  const Part parts[] = {
      {500, 170, 500, 170, 65, skin},  {500, 260, 500, 520, 95, shirt},
      {420, 290, 330, 430, 35, shirt}, {330, 430, 300, 570, 30, skin},
      {580, 290, 670, 430, 35, shirt}, {670, 430, 700, 570, 30, skin},
      {450, 540, 430, 740, 45, pants}, {430, 740, 420, 940, 38, pants},
      {550, 540, 570, 740, 45, pants}, {570, 740, 580, 940, 38, pants},
  };
  auto inside = [](std::int64_t px, std::int64_t py, const Part& p) {
    const std::int64_t dx = p.bx - p.ax, dy = p.by - p.ay, vx = px - p.ax, vy = py - p.ay;
    const std::int64_t l2 = dx * dx + dy * dy, t = vx * dx + vy * dy;
    if (l2 == 0 || t <= 0) return vx * vx + vy * vy <= p.r * p.r;
    if (t >= l2) return (px - p.bx) * (px - p.bx) + (py - p.by) * (py - p.by) <= p.r * p.r;
    return (vx * vx + vy * vy) * l2 - t * t <= p.r * p.r * l2;
  };
  std::vector<std::int32_t> image(static_cast<std::size_t>(size) * size * 3);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const std::int64_t px = (2 * x + 1) * 500 / size, py = (2 * y + 1) * 500 / size;
      std::array<int, 3> rgb{static_cast<int>(60 + 80 * px / 1000),
                             static_cast<int>(90 + 60 * py / 1000),
                             static_cast<int>(140 - 40 * (px + py) / 2000)};
      for (const auto& part : parts) {
        if (inside(px, py, part)) {
          rgb = part.rgb;
          break;
        }
      }
      for (int c = 0; c < 3; ++c) image[(static_cast<std::size_t>(y) * size + x) * 3 + c] = rgb[c];
    }
  }
  return image;
}

// The figure at `size` px, drawn into a `width` x `height` grey BGR frame at (x0, y0).
inline cv::Mat figure_frame(int size, int width, int height, int x0, int y0) {
  const auto rgb = synthetic_person_image(size);
  cv::Mat frame(height, width, CV_8UC3, cv::Scalar(110, 110, 110));
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      for (int c = 0; c < 3; ++c)
        frame.at<cv::Vec3b>(y0 + y, x0 + x)[2 - c] =
            static_cast<uchar>(rgb[(y * size + x) * 3 + c]);
  return frame;
}

}  // namespace motioncue::testing
