#include "motioncue/infer/track_clips.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/infer/person_boxes.h"
#include "motioncue/infer/tracker.h"

namespace motioncue::infer {
namespace fs = std::filesystem;
namespace {

cv::Rect2d crop_square(const cv::Rect2d& box) {
  const auto square = square_person_box(box);
  const double side = 200.0 * square.scale;
  return {square.center.x - side / 2, square.center.y - side / 2, side, side};
}

}  // namespace

std::string clip_folder_name(const ClipPlan& plan, const std::string& prefix) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "track%03d_%06lld", plan.track,
                static_cast<long long>(plan.first));
  return prefix + buf;
}

int64_t track_people(FrameSource& source, BoxSource& boxes, std::vector<TrackedBox>& tracked,
                     std::map<int64_t, std::vector<Detection>>* seen) {
  Tracker tracker;
  Frame frame;
  int64_t frames = 0;
  while (source.next(frame)) {
    auto detections = boxes.detect(frame);
    std::vector<cv::Rect2d> rects;
    for (const auto& d : detections) rects.push_back(d.box);
    const auto ids = tracker.update(rects);
    for (std::size_t i = 0; i < ids.size(); ++i) tracked.push_back({frame.index, ids[i], rects[i]});
    if (seen) (*seen)[frame.index] = std::move(detections);
    ++frames;
  }
  return frames;
}

std::vector<ClipPlan> plan_clips(const std::vector<TrackedBox>& boxes, int min_length,
                                 int max_length, int max_side) {
  if (min_length < 2) throw Error("a clip needs at least two frames").key("min_length");
  if (max_length < min_length)
    throw Error("the longest clip is shorter than the shortest").key("max_length");
  std::map<int, std::map<int64_t, cv::Rect2d>> tracks;
  for (const auto& b : boxes) tracks[b.track][b.frame] = b.box;
  std::vector<ClipPlan> plans;
  for (const auto& [track, frames] : tracks) {
    std::vector<std::pair<int64_t, int64_t>> runs;  // [first, last]
    for (const auto& [f, box] : frames) {
      if (!runs.empty() && runs.back().second == f - 1 &&
          runs.back().second - runs.back().first + 1 < max_length)
        runs.back().second = f;
      else
        runs.push_back({f, f});
    }
    for (const auto& [first, last] : runs) {
      if (last - first + 1 < min_length) continue;
      ClipPlan p;
      p.track = track;
      p.first = first;
      p.last = last;
      p.region = crop_square(frames.at(first));
      for (int64_t f = first + 1; f <= last; ++f) p.region |= crop_square(frames.at(f));
      p.zoom = std::min(1.0, max_side / std::max(p.region.width, p.region.height));
      plans.push_back(p);
    }
  }
  return plans;
}

int64_t write_clips(FrameSource& source, const std::vector<ClipPlan>& plans,
                    const std::vector<TrackedBox>& boxes, const fs::path& dir,
                    const std::string& prefix) {
  std::map<std::pair<int, int64_t>, cv::Rect2d> box_of;
  for (const auto& b : boxes) box_of[{b.track, b.frame}] = b.box;
  struct Clip {
    std::vector<float> center, scale;
  };
  std::vector<Clip> clips(plans.size());
  int64_t written = 0;
  Frame frame;
  while (source.next(frame)) {
    for (std::size_t i = 0; i < plans.size(); ++i) {
      const auto& p = plans[i];
      if (frame.index < p.first || frame.index > p.last) continue;
      const cv::Matx23d to_clip(p.zoom, 0, -p.zoom * p.region.x, 0, p.zoom, -p.zoom * p.region.y);
      const cv::Size size(static_cast<int>(std::ceil(p.zoom * p.region.width)),
                          static_cast<int>(std::ceil(p.zoom * p.region.height)));
      cv::Mat stored;
      cv::warpAffine(frame.image, stored, cv::Mat(to_clip), size, cv::INTER_AREA,
                     cv::BORDER_CONSTANT, cv::Scalar::all(0));
      const auto square = square_person_box(box_of.at({p.track, frame.index}));
      clips[i].center.push_back(static_cast<float>(p.zoom * (square.center.x - p.region.x)));
      clips[i].center.push_back(static_cast<float>(p.zoom * (square.center.y - p.region.y)));
      clips[i].scale.push_back(static_cast<float>(p.zoom * square.scale));
      char name[32];
      std::snprintf(name, sizeof name, "%06lld.png", static_cast<long long>(frame.index - p.first));
      const fs::path file = dir / clip_folder_name(p, prefix) / "frames" / name;
      fs::create_directories(file.parent_path());
      std::vector<uchar> bytes;
      if (!cv::imencode(".png", stored, bytes))
        throw Error("cannot encode PNG").file(file.string());
      write_file_atomic(file, std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
      ++written;
    }
  }
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const auto& p = plans[i];
    const int64_t frames = p.last - p.first + 1;
    if (static_cast<int64_t>(clips[i].scale.size()) != frames)
      throw Error("the input gave fewer frames on a second reading than on the first")
          .key(clip_folder_name(p, prefix));
    Npz npz;
    npz.set("center", NpyArray::from_f32({frames, 2}, clips[i].center));
    npz.set("scale", NpyArray::from_f32({frames}, clips[i].scale));
    write_npz(dir / clip_folder_name(p, prefix) / "annotations.npz", npz);
    const nlohmann::json meta = {{"fps", source.fps()},
                                 {"frames", frames},
                                 {"track", p.track},
                                 {"first_frame", p.first},
                                 {"zoom", p.zoom}};
    write_file_atomic(dir / clip_folder_name(p, prefix) / "meta.json", meta.dump(1) + "\n");
  }
  return written;
}

}  // namespace motioncue::infer
