#include "motioncue/infer/person_boxes.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <algorithm>
#include <cmath>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/json_file.h"
#include "motioncue/vision/movenet.h"

namespace motioncue::infer {
namespace fs = std::filesystem;

namespace {

class FullFrameBoxes : public BoxSource {
 public:
  std::vector<Detection> detect(const Frame& frame) override {
    return {Detection{cv::Rect2d(0, 0, frame.image.cols, frame.image.rows), 1.0}};
  }
};

constexpr int kMinHogSide = 128;

class HogBoxes : public BoxSource {
 public:
  explicit HogBoxes(int max_side) : max_side_(max_side) {
    // Below the detector's 64 x 128 window no frame could hold a person at all, and 0 or less
    // would ask OpenCV for an empty image.
    if (max_side < kMinHogSide)
      throw Error("the HOG detector's frame size is too small")
          .key("--hog-max-side")
          .expected("at least " + std::to_string(kMinHogSide) +
                    ", the height of the detector's 64x128 window")
          .found(std::to_string(max_side));
    hog_.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
  }
  std::vector<Detection> detect(const Frame& frame) override {
    const int longer = std::max(frame.image.cols, frame.image.rows);
    const double factor = longer > max_side_ ? double(max_side_) / longer : 1.0;
    cv::Mat small;
    if (factor < 1.0) {
      // At least one pixel a side: a thin frame must not round to an empty image.
      const cv::Size size(std::max(1, int(std::lround(frame.image.cols * factor))),
                          std::max(1, int(std::lround(frame.image.rows * factor))));
      cv::resize(frame.image, small, size, 0, 0, cv::INTER_AREA);
    } else {
      small = frame.image;
    }
    const double fx = double(small.cols) / frame.image.cols;
    const double fy = double(small.rows) / frame.image.rows;
    std::vector<cv::Rect> rects;
    std::vector<double> weights;
    if (small.cols >= hog_.winSize.width && small.rows >= hog_.winSize.height)
      hog_.detectMultiScale(small, rects, weights, 0.0, cv::Size(8, 8), cv::Size(), 1.05, 2.0);
    std::vector<Detection> out;
    for (std::size_t i = 0; i < rects.size(); ++i) {
      const cv::Rect2d r(rects[i].x / fx, rects[i].y / fy, rects[i].width / fx,
                         rects[i].height / fy);
      out.push_back({r, i < weights.size() ? weights[i] : 1.0});
    }
    return out;
  }

 private:
  int max_side_;
  cv::HOGDescriptor hog_;
};

Detection parse_box(const nlohmann::json& entry, const std::string& origin,
                    const std::string& key) {
  const nlohmann::json* coords = &entry;
  double score = 1.0;
  if (entry.is_object()) {
    if (!entry.contains("box"))
      throw Error("box entry without \"box\"")
          .file(origin)
          .key(key)
          .expected("{\"box\": [x0, y0, x1, y1], \"score\": s}");
    coords = &entry["box"];
    if (entry.contains("score")) {
      if (!entry["score"].is_number())
        throw Error("score is not a number").file(origin).key(key + ".score");
      score = entry["score"].get<double>();
    }
  }
  if (!coords->is_array() || (coords->size() != 4 && coords->size() != 5))
    throw Error("malformed box")
        .file(origin)
        .key(key)
        .expected("[x0, y0, x1, y1] or [x0, y0, x1, y1, score]")
        .found(coords->dump());
  double v[5] = {0, 0, 0, 0, score};
  for (std::size_t i = 0; i < coords->size(); ++i) {
    if (!(*coords)[i].is_number())
      throw Error("box value is not a number").file(origin).key(key).found(coords->dump());
    v[i] = (*coords)[i].get<double>();
  }
  // Pixel coordinates: no image is a million pixels wide; 1e30 is a broken writer, not a box.
  for (int i = 0; i < 4; ++i)
    if (!(std::abs(v[i]) <= 1e6))
      throw Error("box coordinate out of range")
          .file(origin)
          .key(key)
          .expected("pixel coordinates within +-1e6")
          .found(coords->dump());
  if (!std::isfinite(v[4]))
    throw Error("box score is not finite").file(origin).key(key).found(coords->dump());
  if (!(v[2] > v[0]) || !(v[3] > v[1]))
    throw Error("box has no area")
        .file(origin)
        .key(key)
        .expected("x1 > x0 and y1 > y0")
        .found(coords->dump());
  // Fractions of the frame (a common mix-up) would crop a fraction of one pixel, silently.
  if (v[2] - v[0] < 1 || v[3] - v[1] < 1)
    throw Error("box is smaller than one pixel; boxes are in image pixels, not fractions")
        .file(origin)
        .key(key)
        .expected("x1 - x0 >= 1 and y1 - y0 >= 1")
        .found(coords->dump());
  return {cv::Rect2d(v[0], v[1], v[2] - v[0], v[3] - v[1]), v[4]};
}

// docs/FORMATS.md documents this limit.
constexpr std::size_t kMaxBoxesPerFrame = 256;

struct FileBox {
  Detection detection;
  std::string key, text;  // "<frame key>[<i>]" and the box as written, for errors
};

class JsonBoxes : public BoxSource {
 public:
  explicit JsonBoxes(const fs::path& file) : origin_(file.string()) {
    const std::string& origin = origin_;
    const nlohmann::json j = read_json_file(file);
    if (!j.is_object())
      throw Error("box file must be a JSON object keyed by frame index or image name").file(origin);
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!it.value().is_array())
        throw Error("frame entry must be a list of boxes").file(origin).key(it.key());
      // Each box is a network forward pass and an overlay; thousands in one frame are a broken
      // detector's output, not people, and would run for minutes before saying anything.
      if (it.value().size() > kMaxBoxesPerFrame)
        throw Error("too many boxes in one frame")
            .file(origin)
            .key(it.key())
            .expected("at most " + std::to_string(kMaxBoxesPerFrame))
            .found(std::to_string(it.value().size()));
      std::vector<FileBox> boxes;
      for (std::size_t i = 0; i < it.value().size(); ++i) {
        const std::string key = it.key() + "[" + std::to_string(i) + "]";
        boxes.push_back({parse_box(it.value()[i], origin, key), key, it.value()[i].dump()});
      }
      boxes_[it.key()] = std::move(boxes);
    }
  }
  std::vector<Detection> detect(const Frame& frame) override {
    auto it = boxes_.find(frame.name);
    if (it == boxes_.end()) it = boxes_.find(std::to_string(frame.index));
    if (it == boxes_.end()) return {};
    const cv::Rect2d inside(0, 0, frame.image.cols, frame.image.rows);
    std::vector<Detection> out;
    for (const auto& b : it->second) {
      // A box off the frame (boxes for another resolution, say) would crop a blank image.
      if ((b.detection.box & inside).area() <= 0)
        throw Error("box lies outside the frame")
            .file(origin_)
            .key(b.key)
            .expected("a box overlapping the " + std::to_string(frame.image.cols) + "x" +
                      std::to_string(frame.image.rows) + " frame " + frame.name)
            .found(b.text);
      out.push_back(b.detection);
    }
    return out;
  }

 private:
  std::string origin_;
  std::map<std::string, std::vector<FileBox>> boxes_;
};

}  // namespace

std::unique_ptr<BoxSource> full_frame_boxes() { return std::make_unique<FullFrameBoxes>(); }
std::unique_ptr<BoxSource> hog_boxes(int max_side) { return std::make_unique<HogBoxes>(max_side); }
std::unique_ptr<BoxSource> json_boxes(const fs::path& file) {
  return std::make_unique<JsonBoxes>(file);
}

namespace {

class DetectorBoxes : public BoxSource {
 public:
  explicit DetectorBoxes(float min_score) : net_("movenet-multipose"), min_score_(min_score) {}
  std::vector<Detection> detect(const Frame& frame) override {
    std::vector<Detection> out;
    for (const auto& person : net_.detect(frame.image, min_score_)) {
      const cv::Rect2d inside = person.box & cv::Rect2d(0, 0, frame.image.cols, frame.image.rows);
      if (inside.width >= 2 && inside.height >= 2) out.push_back({inside, person.score});
    }
    return out;
  }

 private:
  vision::MoveNet net_;
  float min_score_;
};

}  // namespace

std::unique_ptr<BoxSource> detector_boxes(float min_score) {
  return std::make_unique<DetectorBoxes>(min_score);
}

std::unique_ptr<BoxSource> make_box_source(const std::string& spec, int hog_max_side) {
  if (spec == "full") return full_frame_boxes();
  if (spec == "detector") return detector_boxes();
  if (spec == "hog") return hog_boxes(hog_max_side);
  return json_boxes(spec);
}

geometry::PersonBox square_person_box(const cv::Rect2d& box) {
  geometry::PersonBox p;
  p.center = {box.x + 0.5 * box.width, box.y + 0.5 * box.height};
  p.scale = 1.2 * std::max(box.width, box.height) / 200.0;
  return p;
}

}  // namespace motioncue::infer
