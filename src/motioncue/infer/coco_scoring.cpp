#include "motioncue/infer/coco_scoring.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <sstream>

#include "motioncue/core/files.h"

namespace motioncue::infer {
namespace {

class AnnotatedBoxes : public BoxSource {
 public:
  explicit AnnotatedBoxes(const std::vector<eval::CocoPerson>& people) {
    for (const auto& p : people)
      if (!p.crowd)
        boxes_[p.image].push_back({cv::Rect2d(p.box.x, p.box.y, p.box.w, p.box.h), 1.0});
  }
  std::vector<Detection> detect(const Frame& frame) override {
    auto it = boxes_.find(frame.name);
    return it == boxes_.end() ? std::vector<Detection>{} : it->second;
  }

 private:
  std::map<std::string, std::vector<Detection>> boxes_;
};

}  // namespace

std::unique_ptr<BoxSource> annotated_boxes(const std::vector<eval::CocoPerson>& people) {
  return std::make_unique<AnnotatedBoxes>(people);
}

eval::PredictedPerson predicted_person(const std::string& image, const cv::Rect2d& box, float score,
                                       const std::vector<vision::ImageKeypoint>& coco17) {
  eval::PredictedPerson q;
  q.image = image;
  q.box = {box.x, box.y, box.width, box.height};
  q.score = score;
  for (int j = 0; j < vision::kCocoKeypoints && j < static_cast<int>(coco17.size()); ++j) {
    q.keypoints[3 * j] = coco17[j].x;
    q.keypoints[3 * j + 1] = coco17[j].y;
    q.keypoints[3 * j + 2] = coco17[j].score;
  }
  return q;
}

std::string write_coco_scores(const std::filesystem::path& dir,
                              const std::vector<eval::CocoPerson>& truth,
                              const std::vector<eval::PredictedPerson>& predicted) {
  const auto s = eval::score_coco(truth, predicted);
  nlohmann::json per_joint = nlohmann::json::object();
  for (int j = 0; j < vision::kCocoKeypoints; ++j)
    per_joint[vision::coco_keypoint_names()[j]] =
        std::isnan(s.pck_per_joint[j]) ? nlohmann::json() : nlohmann::json(s.pck_per_joint[j]);
  const nlohmann::json doc = {{"people", s.people},         {"found", s.found},
                              {"recall_iou50", s.recall()}, {"pck_people", s.pck_people},
                              {"pck_joints", s.pck_joints}, {"pck_torso_0.2", s.pck},
                              {"pck_per_joint", per_joint}, {"mean_oks", s.mean_oks}};
  write_file_atomic(dir / "coco_scores.json", doc.dump(1) + "\n");
  std::ostringstream line;
  line << "people found " << s.found << "/" << s.people << " (recall " << s.recall()
       << "), PCK@0.2 torso " << s.pck << " over " << s.pck_joints << " joints, mean OKS "
       << s.mean_oks;
  return line.str();
}

}  // namespace motioncue::infer
