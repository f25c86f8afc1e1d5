// 2D keypoints and person boxes scored against COCO-format annotations (person category,
// 17 keypoints with visibility flags): person recall, PCK at a fraction of the torso and OKS.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace motioncue::eval {

struct CocoBox {
  double x = 0, y = 0, w = 0, h = 0;
};

struct CocoPerson {
  std::string image;  // file name
  CocoBox box;
  double area = 0;  // segment area (OKS scale)
  bool crowd = false;
  std::array<float, 51> keypoints{};  // x, y, v per COCO keypoint; v = 0 not labelled
  int labelled = 0;                   // keypoints with v > 0
};

struct PredictedPerson {
  std::string image;
  CocoBox box;
  float score = 0;
  std::array<float, 51> keypoints{};  // x, y, score
};

// Reads the person annotations; an Error naming the file and the field for anything malformed.
std::vector<CocoPerson> read_coco_people(const std::filesystem::path& annotations);

struct CocoScores {
  int people = 0;                          // annotated, non-crowd people
  int found = 0;                           // matched by a prediction at box IoU >= 0.5
  int pck_people = 0;                      // matched people with a measurable torso
  int pck_joints = 0;                      // labelled joints of those people
  double pck = 0;                          // share of those joints within 0.2 torso of the truth
  std::array<double, 17> pck_per_joint{};  // NaN where no joint was labelled
  double mean_oks = 0;                     // over matched people with labelled keypoints
  double recall() const { return people ? double(found) / people : 0.0; }
};

// Greedy one-to-one matching by box IoU per image (best pairs first). The torso is the mean of
// the two shoulder-hip diagonals (one where only one is labelled).
CocoScores score_coco(const std::vector<CocoPerson>& truth,
                      const std::vector<PredictedPerson>& predicted, double min_iou = 0.5,
                      double pck_fraction = 0.2);

double box_iou(const CocoBox& a, const CocoBox& b);

}  // namespace motioncue::eval
