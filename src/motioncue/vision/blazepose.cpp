#include "motioncue/vision/blazepose.h"

#include <torch/torch.h>

#include <cmath>

#include "motioncue/core/error.h"
#include "motioncue/vision/model_store.h"
#include "motioncue/vision/tfjs_graph.h"

namespace motioncue::vision {
namespace {

constexpr int kInput = 256;
// The landmark output holds 39 points (33 of the body, 6 auxiliary for the crop), each x, y in
// input pixels, z, then visibility and presence logits.
constexpr int kOutputPoints = 39;
constexpr int kValuesPerPoint = 5;
const char* const kLandmarkNode = "Identity_2";  // ld_3d
const char* const kPoseFlagNode = "Identity_3";  // output_poseflag, already a sigmoid

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace

BlazePose::BlazePose(const std::string& name, c10::Device device)
    : BlazePose(name, tfjs_model_file(name), device) {}

BlazePose::BlazePose(const std::string& name, const std::filesystem::path& model_json,
                     c10::Device device)
    : name_(name) {
  if (name != "blazepose-full")
    throw Error("not a BlazePose landmark model").key(name).expected("blazepose-full");
  graph_ = std::make_unique<TfjsGraph>(load_tfjs_model(model_json), device);
}

BlazePose::~BlazePose() = default;
BlazePose::BlazePose(BlazePose&&) noexcept = default;
BlazePose& BlazePose::operator=(BlazePose&&) noexcept = default;

const std::vector<std::string>& BlazePose::landmark_names() const {
  static const std::vector<std::string> names{
      "nose",        "left_eye_inner",  "left_eye",        "left_eye_outer", "right_eye_inner",
      "right_eye",   "right_eye_outer", "left_ear",        "right_ear",      "mouth_left",
      "mouth_right", "left_shoulder",   "right_shoulder",  "left_elbow",     "right_elbow",
      "left_wrist",  "right_wrist",     "left_pinky",      "right_pinky",    "left_index",
      "right_index", "left_thumb",      "right_thumb",     "left_hip",       "right_hip",
      "left_knee",   "right_knee",      "left_ankle",      "right_ankle",    "left_heel",
      "right_heel",  "left_foot_index", "right_foot_index"};
  return names;
}

PersonKeypoints BlazePose::run_on(const cv::Mat& bgr, const SquareCrop& crop) const {
  cv::Mat unit;
  crop_rgb(bgr, crop, kInput, name_).convertTo(unit, CV_32FC3);
  // v / 255 as a true division, the value the model was converted with
  const auto input = torch::from_blob(unit.data, {1, kInput, kInput, 3}, torch::kFloat).div(255.0);
  const auto out = graph_->run({input}, {kLandmarkNode, kPoseFlagNode});
  const auto points = out[0].to(torch::kCPU, torch::kFloat).contiguous();
  const auto flag = out[1].to(torch::kCPU, torch::kFloat).contiguous();
  if (points.numel() != kOutputPoints * kValuesPerPoint || flag.numel() != 1)
    throw Error("unexpected BlazePose output size").key(name_);
  const float* v = points.data_ptr<float>();
  PersonKeypoints person;
  person.landmarks.resize(kBlazePoseLandmarks);
  for (int j = 0; j < kBlazePoseLandmarks; ++j) {
    const float* p = v + j * kValuesPerPoint;
    const auto at = crop.to_image(p[0] / kInput, p[1] / kInput);
    person.landmarks[j] = {static_cast<float>(at.x), static_cast<float>(at.y), sigmoid(p[3])};
  }
  person.keypoints = blazepose_to_coco17(person.landmarks);
  person.score = flag.item<float>();
  person.box = cv::Rect2d(crop.x0, crop.y0, crop.side, crop.side);
  return person;
}

std::vector<PersonKeypoints> BlazePose::detect(const cv::Mat& bgr, float min_score) const {
  auto person = run_on(bgr, square_of_frame(bgr));
  if (person.score < min_score) return {};
  return {std::move(person)};
}

PersonKeypoints BlazePose::person_in(const cv::Mat& bgr, const cv::Rect2d& box) const {
  if (!(box.width > 0 && box.height > 0)) throw Error("empty person box").key(name_);
  auto person = run_on(bgr, square_around(box));
  person.box = box;
  return person;
}

std::vector<ImageKeypoint> blazepose_to_coco17(const std::vector<ImageKeypoint>& landmarks) {
  if (landmarks.size() != kBlazePoseLandmarks)
    throw Error("expected 33 BlazePose landmarks").found(std::to_string(landmarks.size()));
  static const int from[kCocoKeypoints] = {0,  2,  5,  7,  8,  11, 12, 13, 14,
                                           15, 16, 23, 24, 25, 26, 27, 28};
  std::vector<ImageKeypoint> coco(kCocoKeypoints);
  for (int j = 0; j < kCocoKeypoints; ++j) coco[j] = landmarks[from[j]];
  return coco;
}

}  // namespace motioncue::vision
