// A tiny trained-looking setup for inference tests: a compact 64-pixel network checkpoint bound to
// the built-in body model, and a short synthetic sequence of two moving "people".
#pragma once

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "motioncue/body/body_model.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"

namespace motioncue::testing {

inline std::filesystem::path make_checkpoint(const std::filesystem::path& dir,
                                             const std::string& body_hash) {
  model::NetworkConfig config;
  config.backbone = "compact";
  config.resolution = 64;
  std::filesystem::create_directories(dir);
  model::PoseNetwork net(config, model::InitialState::upright_default());
  const auto file = dir / "net.pt";
  model::save_checkpoint(file, net, {{"step", 0}, {"body_model_hash", body_hash}});
  return file;
}

constexpr int kFrames = 6;

// Person k's box in frame f: two figures walking towards each other without overlapping.
inline cv::Rect person_rect(int k, int f) {
  return k == 0 ? cv::Rect(10 + 4 * f, 20, 40, 90) : cv::Rect(110 - 4 * f, 25, 40, 85);
}

inline cv::Mat synthetic_frame(int f) {
  cv::Mat image(120, 160, CV_8UC3, cv::Scalar(90, 110, 70));
  for (int k = 0; k < 2; ++k) {
    const cv::Rect r = person_rect(k, f);
    cv::rectangle(image, r, k == 0 ? cv::Scalar(40, 40, 200) : cv::Scalar(200, 60, 40), -1);
    cv::circle(image, {r.x + r.width / 2, r.y + 10}, 9, cv::Scalar(150, 180, 220), -1);
  }
  return image;
}

// PNG frames in `dir` and a box file naming both people in every frame (by file name).
inline std::filesystem::path write_sequence(const std::filesystem::path& dir,
                                            const std::filesystem::path& box_file) {
  std::filesystem::create_directories(dir);
  nlohmann::json boxes = nlohmann::json::object();
  for (int f = 0; f < kFrames; ++f) {
    const std::string name = "img_" + std::to_string(100 + f) + ".png";
    cv::imwrite((dir / name).string(), synthetic_frame(f));
    for (int k = 0; k < 2; ++k) {
      const cv::Rect r = person_rect(k, f);
      boxes[name].push_back({{"box", {r.x, r.y, r.x + r.width, r.y + r.height}}, {"score", 0.9}});
    }
  }
  std::ofstream(box_file) << boxes.dump();
  return dir;
}

}  // namespace motioncue::testing
