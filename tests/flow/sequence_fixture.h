// Writes a tiny video sequence in the docs/FORMATS.md layout: frames/%06d.png moving by a known
// translation per frame, and annotations.npz with one box per frame; and its exact flow files.
#pragma once

#include <opencv2/imgcodecs.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <vector>

#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"
#include "texture.h"

namespace motioncue::testing {

inline void write_sequence(const std::filesystem::path& dir, int frames, cv::Size size,
                           cv::Point2d step) {
  const cv::Mat base = make_texture(size.width, size.height, 5);
  std::filesystem::create_directories(dir / "frames");
  std::vector<double> center, scale;
  for (int t = 0; t < frames; ++t) {
    cv::Mat flow;
    const cv::Mat frame =
        warp_with_flow(base, cv::Matx23d(1, 0, t * step.x, 0, 1, t * step.y), flow);
    char name[32];
    std::snprintf(name, sizeof name, "%06d.png", t);
    cv::imwrite((dir / "frames" / name).string(), frame);
    center.push_back(size.width / 2.0);
    center.push_back(size.height / 2.0);
    scale.push_back(size.height / 200.0);
  }
  Npz npz;
  npz.set("center", NpyArray::from_f64({frames, 2}, center));
  npz.set("scale", NpyArray::from_f64({frames}, scale));
  write_npz(dir / "annotations.npz", npz);
}

// Rewrites frame t's box in the annotations.npz of the sequence at `dir`.
inline void set_sequence_box(const std::filesystem::path& dir, std::size_t t, double cx, double cy,
                             double scale) {
  Npz ann = read_npz(dir / "annotations.npz");
  auto center = ann.at("center").to_f64();
  auto scales = ann.at("scale").to_f64();
  center[2 * t] = cx;
  center[2 * t + 1] = cy;
  scales[t] = scale;
  ann.set("center", NpyArray::from_f64({std::int64_t(scales.size()), 2}, center));
  ann.set("scale", NpyArray::from_f64({std::int64_t(scales.size())}, scales));
  write_npz(dir / "annotations.npz", ann);
}

// The sequence's exact forward flow file of `frame` (flow/fw_%06d.npy, float16): `v` everywhere
// except a 20 x 20 "no body" hole of NaN at x in [20, 40), y in [0, 20).
inline void write_truth(const std::filesystem::path& seq, int frame, cv::Size size, cv::Vec2f v) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> values;
  for (int y = 0; y < size.height; ++y)
    for (int x = 0; x < size.width; ++x) {
      const bool hole = x >= 20 && x < 40 && y < 20;
      values.push_back(hole ? nan : v[0]);
      values.push_back(hole ? nan : v[1]);
    }
  NpyArray f16;
  f16.dtype = DType::kF16;
  f16.shape = {size.height, size.width, 2};
  for (float x : values) {
    const std::uint16_t h = float_to_half(x);
    f16.bytes.push_back(std::uint8_t(h & 0xff));
    f16.bytes.push_back(std::uint8_t(h >> 8));
  }
  char name[32];
  std::snprintf(name, sizeof name, "fw_%06d.npy", frame);
  write_npy(seq / "flow" / name, f16);
}

}  // namespace motioncue::testing
