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

cv::Rect2d box_for_square(cv::Point2d center, double side) {
  const double box_side = side / kCropMargin;
  return {center.x - box_side / 2, center.y - box_side / 2, box_side, box_side};
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

namespace {

// The SPIN keypoint (body/joint_sets.h) of each COCO keypoint, in COCO order.
const std::array<int, kCocoKeypoints>& spin_of_coco() {
  using namespace body;
  static const std::array<int, kCocoKeypoints> map = {
      kKpNose,          kKpLeftEye,   kKpRightEye,   kKpLeftEar,   kKpRightEar,   kKpLeftShoulder,
      kKpRightShoulder, kKpLeftElbow, kKpRightElbow, kKpLeftWrist, kKpRightWrist, kKpLeftHip,
      kKpRightHip,      kKpLeftKnee,  kKpRightKnee,  kKpLeftAnkle, kKpRightAnkle};
  return map;
}

}  // namespace

std::vector<ImageKeypoint> coco_to_spin24(const std::vector<ImageKeypoint>& coco) {
  if (coco.size() != kCocoKeypoints)
    throw Error("expected 17 COCO keypoints").found(std::to_string(coco.size()));
  std::vector<ImageKeypoint> spin(body::kNumKeypoints);
  for (int c = 0; c < kCocoKeypoints; ++c) spin[spin_of_coco()[c]] = coco[c];
  const auto& l = coco[11];
  const auto& r = coco[12];
  spin[body::kKpPelvis] = {(l.x + r.x) / 2, (l.y + r.y) / 2, std::min(l.score, r.score)};
  return spin;
}

std::vector<ImageKeypoint> spin24_to_coco(const std::vector<ImageKeypoint>& spin) {
  if (spin.size() != body::kNumKeypoints)
    throw Error("expected 24 keypoints").found(std::to_string(spin.size()));
  std::vector<ImageKeypoint> coco(kCocoKeypoints);
  for (int c = 0; c < kCocoKeypoints; ++c) coco[c] = spin[spin_of_coco()[c]];
  return coco;
}

}  // namespace motioncue::vision
