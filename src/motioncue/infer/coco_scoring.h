// COCO keypoint annotations in a run on their images: the annotated people as the run's boxes,
// and the run's 2D keypoints scored against them (person recall at box IoU 0.5, PCK@0.2 of the
// torso, OKS; eval/coco_keypoints.h). Shared by `motioncue keypoints` (the detector's keypoints)
// and `motioncue infer` (the pose network's projected keypoints).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "motioncue/eval/coco_keypoints.h"
#include "motioncue/infer/person_boxes.h"
#include "motioncue/vision/keypoint_model.h"

namespace motioncue::infer {

// The annotated, non-crowd people's boxes, looked up by the frame's image file name.
std::unique_ptr<BoxSource> annotated_boxes(const std::vector<eval::CocoPerson>& people);

// One person of a run in the scorer's terms: its image, box, score and 17 COCO keypoints.
eval::PredictedPerson predicted_person(const std::string& image, const cv::Rect2d& box, float score,
                                       const std::vector<vision::ImageKeypoint>& coco17);

// Writes <dir>/coco_scores.json and returns the scores in one line.
std::string write_coco_scores(const std::filesystem::path& dir,
                              const std::vector<eval::CocoPerson>& truth,
                              const std::vector<eval::PredictedPerson>& predicted);

}  // namespace motioncue::infer
