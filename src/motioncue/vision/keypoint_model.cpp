#include "motioncue/vision/keypoint_model.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "motioncue/body/joint_sets.h"
#include "motioncue/core/error.h"
#include "motioncue/vision/blazepose.h"
#include "motioncue/vision/movenet.h"

namespace motioncue::vision {
namespace {

constexpr double kCropMargin = 1.25;

}  // namespace

const std::vector<std::string>& keypoint_model_names() {
  static const std::vector<std::string> names{"movenet-lightning", "movenet-thunder",
                                              "movenet-multipose", "blazepose-full"};
  return names;
}

std::unique_ptr<KeypointModel> make_keypoint_model(const std::string& name, c10::Device device) {
  if (name.rfind("movenet-", 0) == 0) return std::make_unique<MoveNet>(name, device);
  if (name.rfind("blazepose-", 0) == 0) return std::make_unique<BlazePose>(name, device);
  throw Error("not a keypoint model")
      .key(name)
      .expected("movenet-lightning, movenet-thunder, movenet-multipose or blazepose-full");
}

SquareCrop square_around(const cv::Rect2d& box) {
  const double side = kCropMargin * std::max(box.width, box.height);
  return {box.x + box.width / 2 - side / 2, box.y + box.height / 2 - side / 2, side};
}

SquareCrop square_of_frame(const cv::Mat& image) {
  const double side = std::max(image.cols, image.rows);
  return {(image.cols - side) / 2, (image.rows - side) / 2, side};
}

cv::Mat crop_rgb(const cv::Mat& bgr, const SquareCrop& crop, int size, const std::string& model) {
  if (bgr.empty() || bgr.type() != CV_8UC3)
    throw Error("a keypoint model needs an 8-bit colour image").key(model);
  const double scale = size / crop.side;
  const cv::Matx23d to_crop(scale, 0, -crop.x0 * scale, 0, scale, -crop.y0 * scale);
  cv::Mat square, rgb;
  cv::warpAffine(bgr, square, to_crop, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar::all(0));
  cv::cvtColor(square, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

const std::array<const char*, kCocoKeypoints>& coco_keypoint_names() {
  static const std::array<const char*, kCocoKeypoints> names{
      "nose",           "left_eye",   "right_eye",   "left_ear",   "right_ear",   "left_shoulder",
      "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
      "right_hip",      "left_knee",  "right_knee",  "left_ankle", "right_ankle"};
  return names;
}

const std::vector<std::pair<int, int>>& coco_skeleton() {
  static const std::vector<std::pair<int, int>> bones{
      {0, 1},  {0, 2},  {1, 3},  {2, 4},   {5, 6},   {5, 7},   {7, 9},   {6, 8},
      {8, 10}, {5, 11}, {6, 12}, {11, 12}, {11, 13}, {13, 15}, {12, 14}, {14, 16}};
  return bones;
}

std::vector<ImageKeypoint> coco_to_spin24(const std::vector<ImageKeypoint>& coco) {
  if (coco.size() != kCocoKeypoints)
    throw Error("expected 17 COCO keypoints").found(std::to_string(coco.size()));
  using namespace body;
  std::vector<ImageKeypoint> spin(kNumKeypoints);
  const std::pair<int, int> direct[] = {
      {kKpNose, 0},       {kKpLeftEye, 1},      {kKpRightEye, 2},      {kKpLeftEar, 3},
      {kKpRightEar, 4},   {kKpLeftShoulder, 5}, {kKpRightShoulder, 6}, {kKpLeftElbow, 7},
      {kKpRightElbow, 8}, {kKpLeftWrist, 9},    {kKpRightWrist, 10},   {kKpLeftHip, 11},
      {kKpRightHip, 12},  {kKpLeftKnee, 13},    {kKpRightKnee, 14},    {kKpLeftAnkle, 15},
      {kKpRightAnkle, 16}};
  for (const auto& [s, c] : direct) spin[s] = coco[c];
  const auto& l = coco[11];
  const auto& r = coco[12];
  spin[kKpPelvis] = {(l.x + r.x) / 2, (l.y + r.y) / 2, std::min(l.score, r.score)};
  return spin;
}

}  // namespace motioncue::vision
