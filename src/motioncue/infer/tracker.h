// A simple multi-person tracker for video: every live track predicts its box with constant
// velocity, detections are matched to predictions greedily by IoU, unmatched detections start
// tracks and tracks unseen for more than max_misses frames end. Between frames with detections
// (a detector run every few frames), coast() carries the tracks seen at the last update.
#pragma once

#include <opencv2/core.hpp>

#include <utility>
#include <vector>

namespace motioncue::infer {

double box_iou(const cv::Rect2d& a, const cv::Rect2d& b);

class Tracker {
 public:
  explicit Tracker(double min_iou = 0.3, int max_misses = 5)
      : min_iou_(min_iou), max_misses_(max_misses) {}
  // One frame's boxes -> one track id per box (ids count up from 0 and are never reused).
  std::vector<int> update(const std::vector<cv::Rect2d>& boxes);
  // A frame without detections: the tracks matched or started at the last update(), each with
  // its box moved by its velocity to this frame, and their ids. The frame counts as one in which
  // no track was seen, so the next update() measures velocities over the frames between. When
  // no track was seen at the last update, returns nothing and changes nothing (the caller then
  // detects on this frame and calls update()).
  std::vector<std::pair<int, cv::Rect2d>> coast();
  int tracks_started() const { return next_id_; }

 private:
  struct Track {
    int id;
    cv::Rect2d box;
    cv::Point2d velocity;  // of the box centre, pixels per frame
    int misses = 0;
    bool seen_at_last_update = true;
  };
  void drop_lost_tracks();

  double min_iou_;
  int max_misses_;
  int next_id_ = 0;
  std::vector<Track> tracks_;
};

}  // namespace motioncue::infer
