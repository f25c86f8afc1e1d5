// Google's MoveNet (TF Hub, via the pinned TFJS models) as 2D keypoint and person detectors:
// singlepose lightning (192 px) and thunder (256 px) find one person's 17 COCO keypoints in a
// square crop; multipose lightning finds up to 6 people (keypoints and boxes) in a whole frame.
// The graphs hold their own pre- and post-processing; this wraps the crop geometry around them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "motioncue/vision/keypoint_model.h"

namespace motioncue::vision {

class TfjsGraph;

class MoveNet : public KeypointModel {
 public:
  // "movenet-lightning", "movenet-thunder" or "movenet-multipose", from the model store.
  explicit MoveNet(const std::string& name, c10::Device device = c10::Device("cpu"));
  MoveNet(const std::string& name, const std::filesystem::path& model_json, c10::Device device);
  ~MoveNet() override;
  MoveNet(MoveNet&&) noexcept;
  MoveNet& operator=(MoveNet&&) noexcept;

  const std::string& name() const override { return name_; }
  bool multipose() const override { return multipose_; }
  const std::vector<std::string>& landmark_names() const override;
  int input_size() const { return input_size_; }

  std::vector<PersonKeypoints> detect(const cv::Mat& bgr, float min_score) const override;
  PersonKeypoints person_in(const cv::Mat& bgr, const cv::Rect2d& box) const override;

 private:
  std::vector<PersonKeypoints> run_on(const cv::Mat& bgr, const SquareCrop& crop) const;

  std::string name_;
  bool multipose_ = false;
  int input_size_ = 0;
  std::unique_ptr<TfjsGraph> graph_;
};

}  // namespace motioncue::vision
