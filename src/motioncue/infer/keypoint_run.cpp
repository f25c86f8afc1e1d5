#include "motioncue/infer/keypoint_run.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "motioncue/body/joint_sets.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/progress.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/eval/coco_keypoints.h"
#include "motioncue/infer/coco_scoring.h"
#include "motioncue/infer/frame_source.h"
#include "motioncue/infer/person_boxes.h"
#include "motioncue/infer/tracker.h"
#include "motioncue/vision/keypoint_model.h"

namespace motioncue::infer {
namespace fs = std::filesystem;
namespace {

struct FramePeople {
  std::int64_t index = 0;
  std::string name;
  int width = 0, height = 0;
  std::vector<vision::PersonKeypoints> people;
  std::vector<int> tracks;
};

nlohmann::json keypoint_rows(const std::vector<vision::ImageKeypoint>& k) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& p : k) rows.push_back({p.x, p.y, p.score});
  return rows;
}

void draw_people(cv::Mat& canvas, const FramePeople& f, float min_score) {
  const double thickness = std::max(1.0, std::max(canvas.cols, canvas.rows) / 400.0);
  for (std::size_t i = 0; i < f.people.size(); ++i) {
    const auto& p = f.people[i];
    const cv::Scalar colour =
        cv::Scalar(60 + 70 * (f.tracks[i] % 3), 200 - 60 * (f.tracks[i] % 4), 255);
    cv::rectangle(canvas, p.box, cv::Scalar(200, 200, 200), 1);
    for (const auto& [a, b] : vision::coco_skeleton()) {
      const auto& ka = p.keypoints[a];
      const auto& kb = p.keypoints[b];
      if (ka.score < min_score || kb.score < min_score) continue;
      cv::line(canvas, {cvRound(ka.x), cvRound(ka.y)}, {cvRound(kb.x), cvRound(kb.y)}, colour,
               static_cast<int>(thickness), cv::LINE_AA);
    }
    for (int j = 0; j < vision::kCocoKeypoints; ++j) {
      const auto& k = p.keypoints[j];
      if (k.score < min_score) continue;
      // left joints green, right joints red, the face white
      const cv::Scalar c = j < 5 ? cv::Scalar(255, 255, 255)
                                 : (j % 2 ? cv::Scalar(80, 220, 80) : cv::Scalar(60, 60, 230));
      cv::circle(canvas, {cvRound(k.x), cvRound(k.y)}, static_cast<int>(thickness * 2), c, -1,
                 cv::LINE_AA);
    }
  }
}

std::string frame_stem(std::int64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%06lld", static_cast<long long>(index));
  return buf;
}

void write_outputs(const fs::path& dir, const KeypointOptions& o,
                   const std::vector<std::string>& landmark_names,
                   const std::vector<FramePeople>& frames) {
  nlohmann::json doc = {{"model", o.model},
                        {"boxes", o.boxes},
                        {"keypoints", "coco17"},
                        {"coco17_names", vision::coco_keypoint_names()},
                        {"spin24_names", body::keypoint_names()},
                        {"frames", nlohmann::json::array()}};
  const auto landmarks = static_cast<std::int64_t>(landmark_names.size());
  if (landmarks > 0) doc["landmark_names"] = landmark_names;
  std::size_t most = 0;
  for (const auto& f : frames) most = std::max(most, f.people.size());
  const auto n = static_cast<std::int64_t>(frames.size());
  const auto p = static_cast<std::int64_t>(std::max<std::size_t>(most, 1));
  std::vector<float> coco(n * p * 17 * 3, 0.f), spin(n * p * 24 * 3, 0.f), boxes(n * p * 5, 0.f);
  std::vector<float> own(n * p * landmarks * 3, 0.f);
  std::vector<std::int64_t> counts, tracks(n * p, -1), index;
  for (std::int64_t fi = 0; fi < n; ++fi) {
    const auto& f = frames[fi];
    nlohmann::json people = nlohmann::json::array();
    for (std::size_t k = 0; k < f.people.size(); ++k) {
      const auto& person = f.people[k];
      const auto spin24 = vision::coco_to_spin24(person.keypoints);
      people.push_back({{"track", f.tracks[k]},
                        {"box",
                         {person.box.x, person.box.y, person.box.x + person.box.width,
                          person.box.y + person.box.height}},
                        {"score", person.score},
                        {"coco17", keypoint_rows(person.keypoints)},
                        {"spin24", keypoint_rows(spin24)}});
      const std::int64_t slot = fi * p + static_cast<std::int64_t>(k);
      if (landmarks > 0) {
        if (static_cast<std::int64_t>(person.landmarks.size()) != landmarks)
          throw Error("a person without the model's landmarks").key(o.model);
        people.back()["landmarks"] = keypoint_rows(person.landmarks);
        for (std::int64_t j = 0; j < landmarks; ++j) {
          own[(slot * landmarks + j) * 3 + 0] = person.landmarks[j].x;
          own[(slot * landmarks + j) * 3 + 1] = person.landmarks[j].y;
          own[(slot * landmarks + j) * 3 + 2] = person.landmarks[j].score;
        }
      }
      for (int j = 0; j < 17; ++j) {
        coco[(slot * 17 + j) * 3 + 0] = person.keypoints[j].x;
        coco[(slot * 17 + j) * 3 + 1] = person.keypoints[j].y;
        coco[(slot * 17 + j) * 3 + 2] = person.keypoints[j].score;
      }
      for (int j = 0; j < 24; ++j) {
        spin[(slot * 24 + j) * 3 + 0] = spin24[j].x;
        spin[(slot * 24 + j) * 3 + 1] = spin24[j].y;
        spin[(slot * 24 + j) * 3 + 2] = spin24[j].score;
      }
      const float b[5] = {static_cast<float>(person.box.x), static_cast<float>(person.box.y),
                          static_cast<float>(person.box.x + person.box.width),
                          static_cast<float>(person.box.y + person.box.height), person.score};
      std::copy(b, b + 5, boxes.begin() + slot * 5);
      tracks[slot] = f.tracks[k];
    }
    counts.push_back(static_cast<std::int64_t>(f.people.size()));
    index.push_back(f.index);
    doc["frames"].push_back({{"frame", f.index},
                             {"source", f.name},
                             {"width", f.width},
                             {"height", f.height},
                             {"people", people}});
  }
  Npz npz;
  npz.set("coco17", NpyArray::from_f32({n, p, 17, 3}, coco));
  npz.set("spin24", NpyArray::from_f32({n, p, 24, 3}, spin));
  if (landmarks > 0) npz.set("landmarks", NpyArray::from_f32({n, p, landmarks, 3}, own));
  npz.set("boxes", NpyArray::from_f32({n, p, 5}, boxes));
  npz.set("tracks", NpyArray::from_i64({n, p}, tracks));
  npz.set("people", NpyArray::from_i64({n}, counts));
  npz.set("frame", NpyArray::from_i64({n}, index));
  write_npz(dir / "keypoints.npz", npz);
  write_file_atomic(dir / "keypoints.json", doc.dump(1) + "\n");
}

std::string score_run(const fs::path& dir, const std::vector<eval::CocoPerson>& truth,
                      const std::vector<FramePeople>& frames) {
  std::vector<eval::PredictedPerson> predicted;
  for (const auto& f : frames) {
    for (const auto& p : f.people)
      predicted.push_back(predicted_person(f.name, p.box, p.score, p.keypoints));
  }
  return write_coco_scores(dir, truth, predicted);
}

}  // namespace

std::string KeypointSummary::to_string() const {
  std::ostringstream s;
  s << frames << " frames (" << frames_without_people << " without people), " << people
    << " people, " << static_cast<int>(seconds * 10) / 10.0 << " s";
  if (!scores.empty()) s << "\n" << scores;
  return s.str();
}

KeypointSummary run_keypoints(const KeypointOptions& o) {
  const auto warn = o.warn ? o.warn : [](const std::string& m) { spdlog::warn("{}", m); };
  if (!(o.min_score >= 0 && o.min_score <= 1))
    throw Error("score threshold out of range").key("--min-score").expected("a value in [0, 1]");
  if (o.out.empty()) throw Error("no output folder given").key("--out");
  // Everything that can be refused is checked before the output folder exists.
  auto source = open_frames(o.input, warn);
  const auto model = vision::make_keypoint_model(o.model);
  const auto& net = *model;
  const bool own_people = net.multipose() && o.boxes == "detector";
  std::vector<eval::CocoPerson> truth;
  if (!o.coco.empty()) truth = eval::read_coco_people(o.coco);
  std::unique_ptr<BoxSource> boxes;
  if (o.boxes == "coco") {
    if (o.coco.empty()) throw Error("--boxes coco needs the annotations").key("--coco");
    boxes = annotated_boxes(truth);
  } else if (!own_people && o.boxes != "full") {
    boxes = make_box_source(o.boxes, o.hog_max_side);
  }

  RunDir run(o.out, ExistingRun::kRefuse);
  try {
    if (o.overlays) fs::create_directories(run.path() / "overlays");
    const auto start = std::chrono::steady_clock::now();
    KeypointSummary summary;
    std::vector<FramePeople> frames;
    Tracker tracker;
    Progress progress("keypoints", std::max<std::int64_t>(source->size_hint(), 0), "frames");
    Frame frame;
    while (source->next(frame)) {
      FramePeople f{frame.index, frame.name, frame.image.cols, frame.image.rows, {}, {}};
      if (own_people || o.boxes == "full") {
        f.people = net.detect(frame.image, own_people ? o.min_score : 0.0f);
      } else {
        for (const auto& d : boxes->detect(frame))
          f.people.push_back(net.person_in(frame.image, d.box));
      }
      std::vector<cv::Rect2d> rects;
      for (const auto& p : f.people) rects.push_back(p.box);
      if (source->is_sequence()) {
        f.tracks = tracker.update(rects);
      } else {
        for (std::size_t i = 0; i < rects.size(); ++i) f.tracks.push_back(static_cast<int>(i));
      }
      if (o.overlays) {
        cv::Mat canvas = frame.image.clone();
        draw_people(canvas, f, 0.2f);
        std::vector<uchar> bytes;
        cv::imencode(".jpg", canvas, bytes, {cv::IMWRITE_JPEG_QUALITY, 90});
        write_file_atomic(run.path() / "overlays" / (frame_stem(frame.index) + ".jpg"),
                          std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
      }
      ++summary.frames;
      summary.people += static_cast<std::int64_t>(f.people.size());
      summary.frames_without_people += f.people.empty();
      frames.push_back(std::move(f));
      if (o.progress) progress.advance();
    }
    if (o.progress) progress.finish();
    if (summary.frames == 0) throw Error("no frame could be read").file(o.input.string());
    write_outputs(run.path(), o, net.landmark_names(), frames);
    if (!o.coco.empty()) summary.scores = score_run(run.path(), truth, frames);
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
  } catch (...) {
    std::error_code ec;
    fs::remove_all(run.path(), ec);  // nothing half-made is left behind
    throw;
  }
}

}  // namespace motioncue::infer
