// Tiny datasets written inside the tests (SPIN-style labeled images and video sequences), in the
// layouts of docs/FORMATS.md.
#pragma once

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"

namespace motioncue::testing {

// A smooth random texture (blurred noise), CV_8UC3.
inline cv::Mat texture(int w, int h, unsigned seed) {
  cv::Mat noise(h, w, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
  cv::Mat smooth;
  cv::GaussianBlur(noise, smooth, cv::Size(0, 0), 1.5);
  cv::normalize(smooth, smooth, 0, 255, cv::NORM_MINMAX);
  return smooth;
}

struct LabeledSpec {
  int n = 6, width = 96, height = 80;
  bool subset_rank = false;
};

// All arrays of a labeled archive with plausible random values; images are textures.
inline Npz labeled_arrays(const LabeledSpec& spec, std::vector<std::string> names) {
  const std::int64_t n = spec.n;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> center, scale, part, S, pose, shape, has;
  for (int i = 0; i < spec.n; ++i) {
    center.push_back(spec.width / 2.f + 3 * u(rng));
    center.push_back(spec.height / 2.f + 3 * u(rng));
    scale.push_back(0.3f + 0.05f * u(rng));
    for (int j = 0; j < 24; ++j) {
      part.push_back(spec.width / 2.f + 20 * u(rng));
      part.push_back(spec.height / 2.f + 20 * u(rng));
      part.push_back(j % 5 == 0 ? 0.f : 1.f);
      S.push_back(0.5f * u(rng));
      S.push_back(0.5f * u(rng));
      S.push_back(3.f + 0.2f * u(rng));
      S.push_back(1.f);
    }
    for (int k = 0; k < 72; ++k) pose.push_back(0.3f * u(rng));
    for (int k = 0; k < 10; ++k) shape.push_back(u(rng));
    has.push_back(i % 3 == 2 ? 0.f : 1.f);
  }
  Npz npz;
  npz.set("imgname", NpyArray::from_strings({n}, names));
  npz.set("center", NpyArray::from_f32({n, 2}, center));
  npz.set("scale", NpyArray::from_f32({n}, scale));
  npz.set("part", NpyArray::from_f32({n, 24, 3}, part));
  npz.set("S", NpyArray::from_f32({n, 24, 4}, S));
  npz.set("pose", NpyArray::from_f32({n, 72}, pose));
  npz.set("shape", NpyArray::from_f32({n, 10}, shape));
  npz.set("has_smpl", NpyArray::from_f32({n}, has));
  if (spec.subset_rank) {
    std::vector<std::int64_t> rank(spec.n);
    for (int i = 0; i < spec.n; ++i) rank[i] = (i * 5 + 3) % spec.n;  // a permutation for n = 6
    npz.set("subset_rank", NpyArray::from_i64({n}, rank));
  }
  return npz;
}

inline std::vector<std::string> image_names(int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("images/img_" + std::to_string(i) + ".png");
  return names;
}

// Writes <dir>/annotations.npz and the images; returns the archive's path.
inline std::filesystem::path write_labeled(const std::filesystem::path& dir, const Npz& npz,
                                           int width = 96, int height = 80) {
  std::filesystem::create_directories(dir / "images");
  const auto names = npz.at("imgname").to_strings();
  for (std::size_t i = 0; i < names.size(); ++i)
    cv::imwrite((dir / names[i]).string(), texture(width, height, 100 + static_cast<unsigned>(i)));
  write_npz(dir / "annotations.npz", npz);
  return dir / "annotations.npz";
}

inline std::string frame_name(int t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06d.png", t);
  return buf;
}

// A sequence whose frames are one texture translated right by `dx` pixels per frame (wrapping
// around), with boxes that follow the motion (centre x + dx * t) when `track` is set.
struct VideoSpec {
  int frames = 4, size = 64;
  double dx = 2.0;
  bool track = true, ground_truth = true, detected = false;
  unsigned seed = 1;
};

inline void write_sequence(const std::filesystem::path& dir, const VideoSpec& spec) {
  std::filesystem::create_directories(dir / "frames");
  const cv::Mat base = texture(spec.size, spec.size, spec.seed);
  const std::int64_t t_count = spec.frames;
  std::vector<float> center, scale, pose, betas, trans, j3d, j2d, focal, principal, det;
  for (int t = 0; t < spec.frames; ++t) {
    cv::Mat shifted;
    const cv::Matx23d m(1, 0, spec.dx * t, 0, 1, 0);
    cv::warpAffine(base, shifted, cv::Mat(m), base.size(), cv::INTER_LINEAR, cv::BORDER_WRAP);
    cv::imwrite((dir / "frames" / frame_name(t)).string(), shifted);
    center.push_back(static_cast<float>(spec.size / 2.0 + (spec.track ? spec.dx * t : 0.0)));
    center.push_back(static_cast<float>(spec.size / 2.0));
    scale.push_back(static_cast<float>(spec.size / 2.0 / 200.0));  // half the frame
    for (int k = 0; k < 72; ++k) pose.push_back(0.01f * (k + t));
    for (int k = 0; k < 10; ++k) betas.push_back(0.1f * k);
    for (int k = 0; k < 3; ++k) trans.push_back(k == 2 ? 3.f : 0.f);
    for (int j = 0; j < 24; ++j) {
      j3d.push_back(0.01f * j);
      j3d.push_back(0.02f * j + t);
      j3d.push_back(3.f);
      j2d.push_back(10.f + j);
      j2d.push_back(20.f + t);
      j2d.push_back(1.f);
      det.push_back(static_cast<float>(spec.size / 2.0 + j));
      det.push_back(static_cast<float>(spec.size / 2.0 - j));
      det.push_back(j == 3 ? 0.f : 0.9f);
    }
    focal.push_back(500.f), focal.push_back(500.f);
    principal.push_back(spec.size / 2.f), principal.push_back(spec.size / 2.f);
  }
  Npz npz;
  npz.set("center", NpyArray::from_f32({t_count, 2}, center));
  npz.set("scale", NpyArray::from_f32({t_count}, scale));
  if (spec.ground_truth) {
    npz.set("pose", NpyArray::from_f32({t_count, 72}, pose));
    npz.set("betas", NpyArray::from_f32({t_count, 10}, betas));
    npz.set("trans", NpyArray::from_f32({t_count, 3}, trans));
    npz.set("joints3d", NpyArray::from_f32({t_count, 24, 3}, j3d));
    npz.set("joints2d", NpyArray::from_f32({t_count, 24, 3}, j2d));
    npz.set("focal", NpyArray::from_f32({t_count, 2}, focal));
    npz.set("principal", NpyArray::from_f32({t_count, 2}, principal));
  }
  if (spec.detected) npz.set("keypoints2d_detected", NpyArray::from_f32({t_count, 24, 3}, det));
  write_npz(dir / "annotations.npz", npz);
  write_file_atomic(dir / "meta.json", "{\"fps\": 30, \"width\": " + std::to_string(spec.size) +
                                           ", \"height\": " + std::to_string(spec.size) +
                                           ", \"frames\": " + std::to_string(spec.frames) + "}");
}

}  // namespace motioncue::testing
