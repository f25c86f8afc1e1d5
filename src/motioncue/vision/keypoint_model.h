// What every pretrained 2D keypoint model gives (MoveNet, BlazePose): people with COCO-17
// keypoints in image pixels, found in a whole frame or in a person's box, and the mapping of those
// keypoints onto motioncue's 24. Also the square crop all of them feed their networks.
#pragma once

#include <c10/core/Device.h>
#include <opencv2/core.hpp>

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace motioncue::vision {

inline constexpr int kCocoKeypoints = 17;

struct ImageKeypoint {
  float x = 0, y = 0;  // image pixels
  float score = 0;     // the model's confidence in [0, 1]; 0 where a joint has no source
};

struct PersonKeypoints {
  // The person's box in image pixels; for single-pose models the box given, or the whole
  // frame's square.
  cv::Rect2d box;
  // The person's score: multipose MoveNet's person score, BlazePose's pose flag, single-pose
  // MoveNet's mean keypoint score.
  float score = 0;
  std::vector<ImageKeypoint> keypoints;  // kCocoKeypoints, COCO order
  std::vector<ImageKeypoint> landmarks;  // the model's own set where it has more (BlazePose-33)
};

class KeypointModel {
 public:
  virtual ~KeypointModel() = default;
  virtual const std::string& name() const = 0;
  // True where the model finds several people in a frame by itself.
  virtual bool multipose() const = 0;
  // Names of `landmarks` (empty where the model gives only COCO-17).
  virtual const std::vector<std::string>& landmark_names() const = 0;
  // Multipose: every person scoring at least `min_score`. Single-pose: the one person of the
  // whole frame, letterboxed into the model's square input.
  virtual std::vector<PersonKeypoints> detect(const cv::Mat& bgr, float min_score) const = 0;
  // The person in `box`, from a square crop of 1.25 x its longer side (the models expect some
  // margin around the body). Multipose models run on the same crop and keep their best person.
  virtual PersonKeypoints person_in(const cv::Mat& bgr, const cv::Rect2d& box) const = 0;
};

// movenet-lightning, movenet-thunder, movenet-multipose or blazepose-full, from the model store.
std::unique_ptr<KeypointModel> make_keypoint_model(const std::string& name,
                                                   c10::Device device = c10::Device("cpu"));
const std::vector<std::string>& keypoint_model_names();

// A square region of an image, in image pixels.
struct SquareCrop {
  double x0 = 0, y0 = 0, side = 0;
  cv::Point2d to_image(double u, double v) const { return {x0 + u * side, y0 + v * side}; }
};
SquareCrop square_around(const cv::Rect2d& box);  // 1.25 x the longer side, same centre
// The box to give person_in so that the model sees exactly the square of `side` about `center`
// (a benchmark's person crop, for example).
cv::Rect2d box_for_square(cv::Point2d center, double side);
SquareCrop square_of_frame(const cv::Mat& image);  // the frame letterboxed in its longer side
// The crop resampled to size x size, RGB, 8 bits, zero outside the image. Needs 8-bit BGR.
cv::Mat crop_rgb(const cv::Mat& bgr, const SquareCrop& crop, int size, const std::string& model);

const std::array<const char*, kCocoKeypoints>& coco_keypoint_names();
// Pairs of COCO keypoints joined by a bone, for drawing.
const std::vector<std::pair<int, int>>& coco_skeleton();

// motioncue's 24 keypoints (SPIN order, body/joint_sets.h) from COCO's 17: the 12 limb joints and
// the 5 face points map one to one, the pelvis is the hips' midpoint (the lower of their scores);
// neck, head top, thorax, spine, jaw and head have no COCO counterpart and get score 0.
std::vector<ImageKeypoint> coco_to_spin24(const std::vector<ImageKeypoint>& coco);
// COCO's 17 from motioncue's 24: the one-to-one part of coco_to_spin24, read backwards.
std::vector<ImageKeypoint> spin24_to_coco(const std::vector<ImageKeypoint>& spin);

}  // namespace motioncue::vision
