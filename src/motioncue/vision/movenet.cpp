#include "motioncue/vision/movenet.h"

#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include "motioncue/core/error.h"
#include "motioncue/vision/model_store.h"
#include "motioncue/vision/tfjs_graph.h"

namespace motioncue::vision {
namespace {

constexpr int kMultiposePeople = 6;
constexpr int kMultiposeValues = kCocoKeypoints * 3 + 5;  // keypoints, then box and score
constexpr int kMultiposeInput = 256;

}  // namespace

MoveNet::MoveNet(const std::string& name, c10::Device device)
    : MoveNet(name, tfjs_model_file(name), device) {}

MoveNet::MoveNet(const std::string& name, const std::filesystem::path& model_json,
                 c10::Device device)
    : name_(name) {
  if (name == "movenet-lightning") {
    input_size_ = 192;
  } else if (name == "movenet-thunder") {
    input_size_ = 256;
  } else if (name == "movenet-multipose") {
    input_size_ = kMultiposeInput;
    multipose_ = true;
  } else {
    throw Error("not a MoveNet model")
        .key(name)
        .expected("movenet-lightning, movenet-thunder or movenet-multipose");
  }
  graph_ = std::make_unique<TfjsGraph>(load_tfjs_model(model_json), device);
}

MoveNet::~MoveNet() = default;
MoveNet::MoveNet(MoveNet&&) noexcept = default;
MoveNet& MoveNet::operator=(MoveNet&&) noexcept = default;

const std::vector<std::string>& MoveNet::landmark_names() const {
  static const std::vector<std::string> none;
  return none;
}

std::vector<PersonKeypoints> MoveNet::run_on(const cv::Mat& bgr, const SquareCrop& crop) const {
  const int s = input_size_;
  cv::Mat ints;
  crop_rgb(bgr, crop, s, name_).convertTo(ints, CV_32SC3);
  const auto input = torch::from_blob(ints.data, {1, s, s, 3}, torch::kInt).clone();
  const auto out = graph_->run({input})[0].to(torch::kCPU, torch::kFloat).contiguous();

  auto keypoints_at = [&](const float* v) {
    std::vector<ImageKeypoint> k(kCocoKeypoints);
    for (int j = 0; j < kCocoKeypoints; ++j) {
      const auto p = crop.to_image(v[3 * j + 1], v[3 * j]);
      k[j] = {static_cast<float>(p.x), static_cast<float>(p.y), v[3 * j + 2]};
    }
    return k;
  };

  std::vector<PersonKeypoints> people;
  const float* v = out.data_ptr<float>();
  if (!multipose_) {
    if (out.numel() != kCocoKeypoints * 3) throw Error("unexpected MoveNet output size").key(name_);
    PersonKeypoints p;
    p.keypoints = keypoints_at(v);
    for (const auto& k : p.keypoints) p.score += k.score / kCocoKeypoints;
    p.box = cv::Rect2d(crop.x0, crop.y0, crop.side, crop.side);
    people.push_back(std::move(p));
    return people;
  }
  if (out.numel() != kMultiposePeople * kMultiposeValues)
    throw Error("unexpected MoveNet output size").key(name_);
  for (int i = 0; i < kMultiposePeople; ++i) {
    const float* row = v + i * kMultiposeValues;
    const float* box = row + kCocoKeypoints * 3;  // ymin, xmin, ymax, xmax, score
    PersonKeypoints p;
    p.keypoints = keypoints_at(row);
    const auto lo = crop.to_image(box[1], box[0]), hi = crop.to_image(box[3], box[2]);
    p.box = cv::Rect2d(lo, hi);
    p.score = box[4];
    people.push_back(std::move(p));
  }
  return people;
}

std::vector<PersonKeypoints> MoveNet::detect(const cv::Mat& bgr, float min_score) const {
  auto people = run_on(bgr, square_of_frame(bgr));
  std::vector<PersonKeypoints> kept;
  for (auto& p : people)
    if (p.score >= min_score) kept.push_back(std::move(p));
  return kept;
}

PersonKeypoints MoveNet::person_in(const cv::Mat& bgr, const cv::Rect2d& box) const {
  if (!(box.width > 0 && box.height > 0)) throw Error("empty person box").key(name_);
  auto people = run_on(bgr, square_around(box));
  auto best = *std::max_element(people.begin(), people.end(),
                                [](const auto& a, const auto& b) { return a.score < b.score; });
  if (!multipose_) best.box = box;  // the person's box is the one given, not the crop around it
  return best;
}

}  // namespace motioncue::vision
