#include "motioncue/infer/video_prepare.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/progress.h"
#include "motioncue/infer/person_boxes.h"
#include "motioncue/infer/staged_output.h"
#include "motioncue/infer/track_clips.h"
#include "motioncue/viz/contact_sheet.h"

namespace motioncue::infer {
namespace {

namespace fs = std::filesystem;

// A video read at about `target` frames per second (every frame when 0 or above its own rate),
// its kept frames numbered 0, 1, 2, ... so that tracking and the sequence folders see consecutive
// frames. `original` maps each number back to the video's own frame, which box files name.
class ResampledFrames : public FrameSource {
 public:
  ResampledFrames(std::unique_ptr<FrameSource> inner, double target, Progress* progress)
      : inner_(std::move(inner)), progress_(progress) {
    const double rate = inner_->fps();
    step_ = target > 0 && rate > target ? rate / target : 1.0;
  }
  bool next(Frame& frame) override {
    Frame f;
    while (inner_->next(f)) {
      if (progress_) progress_->advance();
      const int64_t slot = static_cast<int64_t>(std::floor(static_cast<double>(f.index) / step_));
      if (slot <= last_slot_) continue;
      last_slot_ = slot;
      original_.push_back(f.index);
      frame = std::move(f);
      frame.index = static_cast<int64_t>(original_.size()) - 1;
      return true;
    }
    return false;
  }
  int64_t size_hint() const override {
    const auto n = inner_->size_hint();
    return n < 0 ? n : static_cast<int64_t>(std::ceil(static_cast<double>(n) / step_));
  }
  double fps() const override { return inner_->fps() / step_; }
  bool is_sequence() const override { return inner_->is_sequence(); }
  int64_t original(int64_t index) const { return original_.at(static_cast<size_t>(index)); }

 private:
  std::unique_ptr<FrameSource> inner_;
  Progress* progress_;
  double step_ = 1;
  int64_t last_slot_ = -1;
  std::vector<int64_t> original_;
};

// Asks `inner` for the boxes of the video's own frame, not of its renumbered one.
class OriginalFrameBoxes : public BoxSource {
 public:
  OriginalFrameBoxes(BoxSource& inner, const ResampledFrames& frames)
      : inner_(inner), frames_(frames) {}
  std::vector<Detection> detect(const Frame& frame) override {
    Frame original = frame;
    original.index = frames_.original(frame.index);
    return inner_.detect(original);
  }

 private:
  BoxSource& inner_;
  const ResampledFrames& frames_;
};

void check(const std::vector<fs::path>& videos, const PrepareOptions& o) {
  if (videos.empty()) throw Error("no video given").key("VIDEOS");
  if (!(std::isfinite(o.fps) && o.fps >= 0))
    throw Error("frame rate must be 0 (every frame) or positive")
        .key("--fps")
        .found(std::to_string(o.fps));
  if (o.min_length < 2)
    throw Error("a sequence needs at least two frames")
        .key("--min-length")
        .found(std::to_string(o.min_length));
  if (o.max_length < o.min_length)
    throw Error("the longest sequence is shorter than the shortest")
        .key("--max-length")
        .expected("at least --min-length (" + std::to_string(o.min_length) + ")")
        .found(std::to_string(o.max_length));
  if (o.max_people < 1)
    throw Error("keep at least one person a video")
        .key("--max-people")
        .found(std::to_string(o.max_people));
  if (o.max_side < 32)
    throw Error("stored frames need a side of at least 32 pixels")
        .key("--max-side")
        .found(std::to_string(o.max_side));
  const bool box_file = o.boxes != "detector" && o.boxes != "hog" && o.boxes != "full";
  if (box_file && videos.size() > 1)
    throw Error("a box file holds the boxes of one video; prepare the videos one at a time")
        .file(o.boxes)
        .key("--boxes");
  for (const auto& v : videos)
    if (!fs::exists(v)) throw Error("no such video or folder of frames").file(v.string());
}

// The tracks of `tracked` with the most frames, at most `keep` of them.
std::vector<TrackedBox> longest_tracks(const std::vector<TrackedBox>& tracked, int keep,
                                       int* tracks) {
  std::map<int, int64_t> length;
  for (const auto& b : tracked) ++length[b.track];
  *tracks = static_cast<int>(length.size());
  std::vector<std::pair<int64_t, int>> ranked;  // (-length, track): longest first, then oldest
  for (const auto& [track, n] : length) ranked.push_back({-n, track});
  std::sort(ranked.begin(), ranked.end());
  std::set<int> kept;
  for (size_t i = 0; i < ranked.size() && static_cast<int>(i) < keep; ++i)
    kept.insert(ranked[i].second);
  std::vector<TrackedBox> out;
  for (const auto& b : tracked)
    if (kept.count(b.track)) out.push_back(b);
  return out;
}

// "name_" for the video's sequence folders, unique among the videos prepared together.
std::string folder_prefix(const fs::path& video, std::set<std::string>& used) {
  std::string stem = video.filename() == "frames" && video.has_parent_path()
                         ? video.parent_path().filename().string()
                         : video.stem().string();
  if (stem.empty()) stem = "video";
  for (auto& c : stem)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) c = '_';
  std::string name = stem;
  for (int i = 2; used.count(name); ++i) name = stem + "_" + std::to_string(i);
  used.insert(name);
  return name + "_";
}

// Up to six frames spread over each sequence, one row each, captioned with its folder name.
void write_contact_sheet(const fs::path& dir, const std::vector<std::string>& sequences) {
  constexpr int kShown = 6;
  std::vector<std::vector<cv::Mat>> rows;
  for (const auto& name : sequences) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir / name / "frames")) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<cv::Mat> row;
    const size_t n = files.size(), shown = std::min<size_t>(kShown, n);
    for (size_t k = 0; k < shown; ++k) {
      const size_t i = shown == 1 ? 0 : k * (n - 1) / (shown - 1);
      row.push_back(cv::imread(files[i].string(), cv::IMREAD_COLOR));
    }
    rows.push_back(std::move(row));
  }
  std::vector<uchar> png;
  if (!cv::imencode(".png", viz::make_contact_sheet(rows, 96, sequences), png))
    throw Error("cannot encode the contact sheet").file((dir / "contact_sheet.png").string());
  write_file_atomic(dir / "contact_sheet.png", std::vector<std::uint8_t>(png.begin(), png.end()));
}

}  // namespace

std::vector<PreparedVideo> prepare_videos(const std::vector<fs::path>& videos, const fs::path& out,
                                          const PrepareOptions& o) {
  check(videos, o);
  const WarningSink warn = o.warn ? o.warn : [](const std::string& m) { spdlog::warn("{}", m); };
  // Every input opens before the output folder is claimed, so a bad one leaves nothing behind.
  for (const auto& v : videos)
    if (!open_frames(v, warn)->is_sequence())
      throw Error("a single image has no motion: give a video or a folder of frames")
          .file(v.string());
  auto boxes = make_box_source(o.boxes, o.hog_max_side);
  StagedOutput staged(out, ".prepare-partial");

  std::vector<PreparedVideo> report;
  std::vector<std::string> sequences;
  std::set<std::string> prefixes;
  nlohmann::json record = nlohmann::json::array();
  for (const auto& video : videos) {
    PreparedVideo r;
    r.video = video.string();
    std::vector<TrackedBox> tracked;
    {
      auto raw = open_frames(video, warn);
      Progress progress("find people in " + video.filename().string(),
                        std::max<int64_t>(raw->size_hint(), 0), "frames");
      ResampledFrames frames(std::move(raw), o.fps, o.progress ? &progress : nullptr);
      OriginalFrameBoxes original_boxes(*boxes, frames);
      r.frames = track_people(frames, original_boxes, tracked);
      if (o.progress) progress.finish();
    }
    if (r.frames == 0) throw Error("no frame could be read").file(video.string());
    tracked = longest_tracks(tracked, o.max_people, &r.tracks);
    const auto plans = plan_clips(tracked, o.min_length, o.max_length, o.max_side);
    const std::string prefix = folder_prefix(video, prefixes);
    if (plans.empty()) {
      warn(video.string() + ": no person was tracked for " + std::to_string(o.min_length) +
           " frames in a row (" + std::to_string(r.tracks) +
           " tracks); nothing kept (try --boxes, or a lower --min-length)");
    } else {
      ResampledFrames again(open_frames(video, warn), o.fps, nullptr);
      r.kept_frames = write_clips(again, plans, tracked, staged.path(), prefix);
      for (const auto& p : plans) sequences.push_back(clip_folder_name(p, prefix));
    }
    r.sequences = static_cast<int>(plans.size());
    record.push_back({{"video", fs::absolute(video).string()},
                      {"frames", r.frames},
                      {"tracks", r.tracks},
                      {"sequences", r.sequences},
                      {"kept_frames", r.kept_frames}});
    report.push_back(r);
  }
  if (sequences.empty())
    throw Error("no sequence kept from any video: no person was tracked for --min-length frames")
        .key("--min-length")
        .found(std::to_string(o.min_length));
  write_contact_sheet(staged.path(), sequences);
  const nlohmann::json summary = {{"videos", record},
                                  {"sequences", sequences},
                                  {"settings",
                                   {{"boxes", o.boxes},
                                    {"fps", o.fps},
                                    {"min_length", o.min_length},
                                    {"max_length", o.max_length},
                                    {"max_people", o.max_people},
                                    {"max_side", o.max_side}}}};
  write_file_atomic(staged.path() / "prepare.json", summary.dump(1) + "\n");
  staged.commit();
  return report;
}

}  // namespace motioncue::infer
