// Google's BlazePose GHUM 3D, "full" landmark model (MediaPipe, via the pinned TFJS models): 33
// body landmarks of one person in a 256 px square crop, with per-landmark visibility and a pose
// flag. MediaPipe aligns the crop with its own detector and a rotation; here the crop is the
// upright square around a person box (from MoveNet multipose, HOG or given boxes), the same crop
// MoveNet gets, so the models compare on equal terms. Only the landmark head is run: the
// segmentation decoder and heatmaps are never evaluated.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "motioncue/vision/keypoint_model.h"

namespace motioncue::vision {

class TfjsGraph;

inline constexpr int kBlazePoseLandmarks = 33;

class BlazePose : public KeypointModel {
 public:
  // "blazepose-full", from the model store.
  explicit BlazePose(const std::string& name, c10::Device device = c10::Device("cpu"));
  BlazePose(const std::string& name, const std::filesystem::path& model_json, c10::Device device);
  ~BlazePose() override;
  BlazePose(BlazePose&&) noexcept;
  BlazePose& operator=(BlazePose&&) noexcept;

  const std::string& name() const override { return name_; }
  bool multipose() const override { return false; }
  const std::vector<std::string>& landmark_names() const override;

  // The one person of the whole frame (letterboxed), kept when its pose flag >= min_score.
  std::vector<PersonKeypoints> detect(const cv::Mat& bgr, float min_score) const override;
  PersonKeypoints person_in(const cv::Mat& bgr, const cv::Rect2d& box) const override;

 private:
  PersonKeypoints run_on(const cv::Mat& bgr, const SquareCrop& crop) const;

  std::string name_;
  std::unique_ptr<TfjsGraph> graph_;
};

// COCO-17 from BlazePose-33: the 17 COCO points are BlazePose landmarks (nose, the eye centres,
// ears, and the limb joints), taken one to one.
std::vector<ImageKeypoint> blazepose_to_coco17(const std::vector<ImageKeypoint>& landmarks);

}  // namespace motioncue::vision
