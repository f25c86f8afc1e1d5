#include "motioncue/infer/tracker.h"

#include <algorithm>
#include <tuple>

namespace motioncue::infer {

double box_iou(const cv::Rect2d& a, const cv::Rect2d& b) {
  const double inter = (a & b).area();
  const double uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0;
}

std::vector<int> Tracker::update(const std::vector<cv::Rect2d>& boxes) {
  // Predicted boxes: the last box moved by the velocity for every frame since it was seen.
  std::vector<cv::Rect2d> predicted;
  for (const auto& t : tracks_) {
    cv::Rect2d p = t.box;
    p.x += t.velocity.x * (t.misses + 1);
    p.y += t.velocity.y * (t.misses + 1);
    predicted.push_back(p);
  }
  std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;  // iou, track, box
  for (std::size_t t = 0; t < tracks_.size(); ++t)
    for (std::size_t b = 0; b < boxes.size(); ++b) {
      const double iou = box_iou(predicted[t], boxes[b]);
      if (iou >= min_iou_) pairs.emplace_back(iou, t, b);
    }
  std::sort(pairs.begin(), pairs.end(),
            [](const auto& x, const auto& y) { return std::get<0>(x) > std::get<0>(y); });
  std::vector<int> ids(boxes.size(), -1);
  std::vector<bool> track_used(tracks_.size(), false);
  for (const auto& [iou, t, b] : pairs) {
    if (track_used[t] || ids[b] >= 0) continue;
    track_used[t] = true;
    Track& track = tracks_[t];
    ids[b] = track.id;
    const cv::Point2d old_c(track.box.x + track.box.width / 2, track.box.y + track.box.height / 2);
    const cv::Point2d new_c(boxes[b].x + boxes[b].width / 2, boxes[b].y + boxes[b].height / 2);
    track.velocity = (new_c - old_c) * (1.0 / (track.misses + 1));
    track.box = boxes[b];
    track.misses = 0;
  }
  for (std::size_t t = 0; t < tracks_.size(); ++t) {
    tracks_[t].seen_at_last_update = track_used[t];
    if (!track_used[t]) ++tracks_[t].misses;
  }
  drop_lost_tracks();
  for (std::size_t b = 0; b < boxes.size(); ++b)
    if (ids[b] < 0) {
      ids[b] = next_id_++;
      tracks_.push_back({ids[b], boxes[b], {0, 0}, 0, true});
    }
  return ids;
}

std::vector<std::pair<int, cv::Rect2d>> Tracker::coast() {
  std::vector<std::pair<int, cv::Rect2d>> carried;
  if (std::none_of(tracks_.begin(), tracks_.end(),
                   [](const Track& t) { return t.seen_at_last_update; }))
    return carried;
  for (Track& t : tracks_) {
    if (t.seen_at_last_update) {
      cv::Rect2d box = t.box;
      box.x += t.velocity.x * (t.misses + 1);
      box.y += t.velocity.y * (t.misses + 1);
      carried.emplace_back(t.id, box);
    }
    ++t.misses;
  }
  drop_lost_tracks();
  return carried;
}

void Tracker::drop_lost_tracks() {
  tracks_.erase(std::remove_if(tracks_.begin(), tracks_.end(),
                               [&](const Track& t) { return t.misses > max_misses_; }),
                tracks_.end());
}

}  // namespace motioncue::infer
