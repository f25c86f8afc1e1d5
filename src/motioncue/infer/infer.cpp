#include "motioncue/infer/infer.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <chrono>
#include <cstdio>
#include <iomanip>
#include <memory>
#include <sstream>
#include <vector>

#include "motioncue/body/body_model.h"
#include "motioncue/body/mesh_export.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/progress.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/data/network_input.h"
#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/crop.h"
#include "motioncue/geometry/overlay.h"
#include "motioncue/infer/coco_scoring.h"
#include "motioncue/infer/frame_source.h"
#include "motioncue/infer/motion_export.h"
#include "motioncue/infer/person_boxes.h"
#include "motioncue/infer/staged_output.h"
#include "motioncue/infer/track_clips.h"
#include "motioncue/infer/tracker.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/train/run_setup.h"

namespace motioncue::infer {
namespace fs = std::filesystem;

std::string InferSummary::to_string() const {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1);
  s << frames << " frames (" << frames_without_people << " without people), " << people
    << " people, " << tracks << " tracks in " << seconds << " s";
  if (seconds > 0) s << " (" << frames / seconds << " frames/s)";
  if (frames_announced > frames)
    s << "\nthe video announces " << frames_announced << " frames; " << frames_announced - frames
      << " could not be decoded (truncated or damaged file)";
  if (frames_detected < frames)
    s << "\nperson detector run on " << frames_detected << " of " << frames << " frames";
  s << "\nstage frames/s:";
  for (const char* stage : {"decode", "detect", "crop", "network", "body", "render", "write"}) {
    auto it = stage_seconds.find(stage);
    if (it == stage_seconds.end() || it->second <= 0) continue;
    s << " " << stage << " " << frames / it->second;
  }
  if (!scores.empty()) s << "\nagainst the COCO annotations: " << scores;
  if (!adaptation.empty()) {
    const auto it = stage_seconds.find("adapt");
    s << "\nadaptation (" << (it == stage_seconds.end() ? 0.0 : it->second)
      << " s): " << adaptation;
  }
  return s.str();
}

namespace {

using Clock = std::chrono::steady_clock;

class StageTimer {
 public:
  StageTimer(std::map<std::string, double>& table, const char* stage)
      : table_(table), stage_(stage), start_(Clock::now()) {}
  ~StageTimer() { table_[stage_] += std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  std::map<std::string, double>& table_;
  const char* stage_;
  Clock::time_point start_;
};

struct PendingPerson {
  int track = 0;
  double score = 1.0;
  cv::Rect2d box;
  geometry::PersonBox crop_box;
  at::Tensor input;  // 3 x R x R
};

struct PendingFrame {
  Frame frame;
  std::vector<PendingPerson> people;
};

// Everything results.npz stacks, one entry per person.
struct Records {
  std::vector<int64_t> frame, track;
  std::vector<float> score, box, pose, betas, cam, cam_t, keypoints_2d, keypoints_3d, joints_3d;
  std::vector<std::string> frame_names;  // per frame
};

cv::Vec3b track_color(int track) {
  static const cv::Vec3b palette[] = {{200, 180, 120}, {120, 200, 180}, {180, 120, 200},
                                      {120, 160, 230}, {230, 160, 120}, {160, 230, 120}};
  return palette[track % 6];
}

std::string frame_file(int64_t index, const char* ext) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%06lld%s", static_cast<long long>(index), ext);
  return buf;
}

nlohmann::json floats(const float* p, int64_t n) { return std::vector<float>(p, p + n); }

// warpAffine (the crop) refuses images with a side of SHRT_MAX or more.
constexpr int kMaxFrameSide = 32766;
// JPEG (overlay images) and MJPG (overlay video) hold at most 65500 pixels a side.
constexpr int kMaxOverlaySide = 65500;

// The boxes a first pass found, given again frame by frame.
class ReplayedBoxes : public BoxSource {
 public:
  explicit ReplayedBoxes(std::map<int64_t, std::vector<Detection>> boxes)
      : boxes_(std::move(boxes)) {}
  std::vector<Detection> detect(const Frame& frame) override {
    const auto it = boxes_.find(frame.index);
    return it == boxes_.end() ? std::vector<Detection>{} : it->second;
  }

 private:
  std::map<int64_t, std::vector<Detection>> boxes_;
};

class Pipeline {
 public:
  explicit Pipeline(const InferOptions& o) : o_(o) {
    warn_ = o.warn ? o.warn : [](const std::string& m) { spdlog::warn("{}", m); };
    if (o.batch_size < 1) throw Error("batch size must be at least 1").key("--batch-size");
    if (o.detect_every < 1 || o.detect_every > 1000)
      throw Error("the detector must run on one frame in 1 to 1000")
          .key("--detect-every")
          .found(std::to_string(o.detect_every));
    // A person the detector misses at five runs in a row ends their track.
    tracker_ = Tracker(0.3, 5 * o.detect_every);
    if (o.checkpoint.empty()) throw Error("no checkpoint given").key("--checkpoint");
    if (o.out.empty()) throw Error("no output folder given").key("--out");
    // Open the input and the boxes before creating the output folder, so a bad input leaves
    // nothing behind.
    source_ = open_frames(o.input, warn_);
    if (!o.coco.empty()) truth_ = eval::read_coco_people(o.coco);
    if (o.boxes == "coco") {
      if (o.coco.empty()) throw Error("--boxes coco needs the annotations").key("--coco");
      boxes_ = annotated_boxes(truth_);
    } else {
      boxes_ = make_box_source(o.boxes, o.hog_max_side);
    }
    body_ = std::make_unique<body::BodyModel>(
        train::load_body_model(o.body_model.string(), c10::kCPU, o.keypoint_regressor.string()));
    network_ = std::move(model::load_for_inference(o.checkpoint, *body_).network);
    resolution_ = network_->config().resolution;
    faces_ = body_->faces().to(torch::kInt64).contiguous();
    out_ = std::make_unique<StagedOutput>(o.out, ".infer-partial");
    fs::create_directories(dir() / "frames");
    if (o.overlays == OverlayMode::kImages) fs::create_directories(dir() / "overlays");
    if (o.obj) fs::create_directories(dir() / "obj");
    if (o.exports) fs::create_directories(dir() / "tracks");
  }

  InferSummary run() {
    const auto start = Clock::now();
    if (o_.adapt.steps > 0) {
      StageTimer t(summary_.stage_seconds, "adapt");
      adapt_first();
    }
    Progress progress("infer", std::max<int64_t>(source_->size_hint(), 0), "frames");
    while (true) {
      PendingFrame pending;
      {
        StageTimer t(summary_.stage_seconds, "decode");
        if (!source_->next(pending.frame)) break;
      }
      prepare(pending);
      pending_crops_ += static_cast<int64_t>(pending.people.size());
      pending_.push_back(std::move(pending));
      if (pending_crops_ >= o_.batch_size || pending_.size() >= 64) flush();
      if (o_.progress) progress.advance();
    }
    flush();
    if (o_.progress) progress.finish();
    // Results without a single person are no results: an Error, and nothing is kept.
    if (summary_.frames == 0) throw Error("no frame could be read").file(o_.input.string());
    if (summary_.people == 0)
      throw Error("no person found in any frame; try --boxes full or a box file")
          .file(o_.input.string());
    summary_.frames_announced = source_->announced_frames();
    if (summary_.frames_announced > summary_.frames)
      warn_(o_.input.string() + ": the video announces " +
            std::to_string(summary_.frames_announced) + " frames but only " +
            std::to_string(summary_.frames) +
            " could be decoded (truncated or damaged file); the results cover those");
    finish();
    if (!o_.coco.empty()) summary_.scores = write_coco_scores(dir(), truth_, predicted_);
    out_->commit();
    summary_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return summary_;
  }

 private:
  const fs::path& dir() const { return out_->path(); }

  // --adapt: find and track the people of the whole input, refine a copy of the network on
  // their clips, then let the main pass replay the same boxes (so the tracks are the same) with
  // the adapted network when it was kept.
  void adapt_first() {
    if (!source_->is_sequence())
      throw Error("--adapt needs a video or a folder of frames: one image has no motion")
          .file(o_.input.string());
    std::map<int64_t, std::vector<Detection>> seen;
    std::vector<TrackedBox> tracked;
    const int64_t frames = track_people(*source_, *boxes_, tracked, &seen);
    const fs::path adapt_dir = dir() / "adapt";
    const auto plans =
        plan_clips(tracked, o_.adapt.min_length, o_.adapt.max_length, o_.adapt.max_side);
    nlohmann::json log = {{"steps", o_.adapt.steps}, {"frames", frames}, {"clips", plans.size()}};
    if (plans.empty()) {
      summary_.adaptation = "kept the original network: no person was tracked for " +
                            std::to_string(o_.adapt.min_length) + " frames in a row";
      warn_(o_.input.string() + ": " + summary_.adaptation);
    } else {
      const auto source = open_frames(o_.input, warn_);
      log["clip_frames"] = write_clips(*source, plans, tracked, adapt_dir / "clips");
      const auto result = adapt_network(o_.checkpoint, {o_.body_model, o_.keypoint_regressor},
                                        adapt_dir / "clips", adapt_dir / "run", o_.adapt);
      // The clips and their flow are working files; the run folder stays as the record.
      std::error_code ec;
      fs::remove_all(adapt_dir / "clips", ec);
      fs::remove_all(adapt_dir / "flow_cache", ec);
      summary_.adaptation = result.note;
      log["accepted"] = result.accepted;
      log["checkpoint"] = result.accepted ? "adapt/run/best.ckpt" : o_.checkpoint.string();
      if (result.accepted) {
        network_ = std::move(model::load_for_inference(result.checkpoint, *body_).network);
      }
    }
    log["note"] = summary_.adaptation;
    fs::create_directories(adapt_dir);
    write_file_atomic(adapt_dir / "adapt.json", log.dump(1) + "\n");
    source_ = open_frames(o_.input, warn_);
    boxes_ = std::make_unique<ReplayedBoxes>(std::move(seen));
    replayed_boxes_ = true;
  }

  // --detect-every N: on a video or frame folder, the detector runs on one frame in N (and on any
  // frame where no person is being carried); not after --adapt, whose boxes are already known.
  bool carries_boxes() const {
    return o_.detect_every > 1 && source_->is_sequence() && !replayed_boxes_ &&
           frames_since_detection_ + 1 < o_.detect_every;
  }

  // An Error about one frame: naming its image file, or the video and the frame in it.
  Error frame_error(const Frame& f, const std::string& problem) const {
    Error e(problem);
    std::error_code ec;
    if (fs::is_directory(o_.input, ec)) {
      e.file((o_.input / f.name).string());
    } else {
      e.file(o_.input.string());
      if (f.name != o_.input.filename().string()) e.key(f.name);
    }
    return e;
  }

  void prepare(PendingFrame& p) {
    const cv::Mat& image = p.frame.image;
    if (image.cols > kMaxFrameSide || image.rows > kMaxFrameSide)
      throw frame_error(p.frame, "frame too large to crop people from")
          .expected("sides of at most " + std::to_string(kMaxFrameSide) + " pixels")
          .found(std::to_string(image.cols) + "x" + std::to_string(image.rows));
    std::vector<Detection> detections;
    {
      StageTimer t(summary_.stage_seconds, "detect");
      std::vector<int> ids;
      if (carries_boxes()) {
        // Between detector runs the tracker carries the people it saw at the last one.
        for (const auto& [id, box] : tracker_.coast()) {
          const cv::Rect2d inside = box & cv::Rect2d(0, 0, image.cols, image.rows);
          if (inside.width < 1 || inside.height < 1) continue;
          detections.push_back({inside, track_scores_[id]});
          ids.push_back(id);
        }
      }
      if (!ids.empty()) {
        ++frames_since_detection_;
      } else {
        detections = boxes_->detect(p.frame);
        ++summary_.frames_detected;
        frames_since_detection_ = 0;
        std::vector<cv::Rect2d> rects;
        for (const auto& d : detections) rects.push_back(d.box);
        if (source_->is_sequence()) {
          ids = tracker_.update(rects);
          for (std::size_t i = 0; i < ids.size(); ++i) track_scores_[ids[i]] = detections[i].score;
        } else {
          for (std::size_t i = 0; i < rects.size(); ++i) ids.push_back(static_cast<int>(i));
          single_tracks_ = std::max<int64_t>(single_tracks_, static_cast<int64_t>(ids.size()));
        }
      }
      for (std::size_t i = 0; i < detections.size(); ++i) {
        PendingPerson person;
        person.track = ids[i];
        person.score = detections[i].score;
        person.box = detections[i].box;
        person.crop_box = square_person_box(detections[i].box);
        p.people.push_back(person);
      }
    }
    StageTimer t(summary_.stage_seconds, "crop");
    for (auto& person : p.people)
      person.input =
          data::to_network_input(geometry::crop_image(p.frame.image, person.crop_box, resolution_));
  }

  void flush() {
    if (pending_.empty()) return;
    std::vector<at::Tensor> inputs;
    for (const auto& f : pending_)
      for (const auto& person : f.people) inputs.push_back(person.input);
    at::Tensor rotmats, betas, cam, pose, vertices, keypoints, joints;
    if (!inputs.empty()) {
      torch::NoGradGuard no_grad;
      {
        StageTimer t(summary_.stage_seconds, "network");
        auto pred = network_->forward(torch::stack(inputs).to(network_->device()));
        rotmats = pred.rotmats.to(torch::kCPU, torch::kFloat32).contiguous();
        betas = pred.betas.to(torch::kCPU, torch::kFloat32).contiguous();
        cam = pred.cam.to(torch::kCPU, torch::kFloat32).contiguous();
      }
      StageTimer t(summary_.stage_seconds, "body");
      // The mesh only for the outputs that draw or write it.
      const bool mesh = o_.overlays != OverlayMode::kNone || o_.obj;
      auto out = body_->forward(rotmats.to(body_->device(), body_->dtype()),
                                betas.to(body_->device(), body_->dtype()), mesh);
      if (mesh) vertices = out.vertices.to(torch::kCPU, torch::kFloat32).contiguous();
      keypoints = out.keypoints.to(torch::kCPU, torch::kFloat32).contiguous();
      joints = out.joints.to(torch::kCPU, torch::kFloat32).contiguous();
      pose = body::matrix_to_axis_angle(rotmats).reshape({-1, 72}).contiguous();
    }
    int64_t row = 0;
    for (auto& f : pending_) {
      write_frame(f, row, rotmats, betas, cam, pose, vertices, keypoints, joints);
      row += static_cast<int64_t>(f.people.size());
    }
    pending_.clear();
    pending_crops_ = 0;
  }

  void write_frame(const PendingFrame& f, int64_t row0, const at::Tensor& rotmats,
                   const at::Tensor& betas, const at::Tensor& cam, const at::Tensor& pose,
                   const at::Tensor& vertices, const at::Tensor& keypoints,
                   const at::Tensor& joints) {
    const cv::Mat& image = f.frame.image;
    const double W = image.cols, H = image.rows;
    const double focal = o_.focal_at_224 * std::max(W, H) / 224.0;
    ++summary_.frames;
    if (f.people.empty()) {
      ++summary_.frames_without_people;
      warn_(o_.input.string() + ": frame " + std::to_string(f.frame.index) + " (" + f.frame.name +
            "): no person found");
    }
    records_.frame_names.push_back(f.frame.name);
    nlohmann::json people = nlohmann::json::array();
    std::vector<std::vector<float>> screens(f.people.size());
    for (std::size_t k = 0; k < f.people.size(); ++k) {
      const auto& person = f.people[k];
      const int64_t r = row0 + static_cast<int64_t>(k);
      const double side = 200.0 * person.crop_box.scale;
      const cv::Matx23d back =
          geometry::invert_affine(geometry::crop_affine(person.crop_box, resolution_));
      const float* c = cam.data_ptr<float>() + r * 3;
      const double s = std::max(1e-6, double(c[0]));
      // Weak perspective (p = s X + t, crop side `side` pixels) -> a pinhole camera over the
      // whole image with its principal point at the centre (docs/FORMATS.md).
      const float cam_t[3] = {
          float(c[1] / s + 2.0 * (person.crop_box.center.x - W / 2) / (side * s)),
          float(c[2] / s + 2.0 * (person.crop_box.center.y - H / 2) / (side * s)),
          float(2.0 * focal / (side * s))};
      std::vector<float> kp2d(24 * 2);
      const float* kp = keypoints.data_ptr<float>() + r * 24 * 3;
      for (int j = 0; j < 24; ++j) {
        const double u = (s * kp[j * 3] + c[1] + 1.0) * 0.5 * resolution_;
        const double v = (s * kp[j * 3 + 1] + c[2] + 1.0) * 0.5 * resolution_;
        const auto img = geometry::apply_affine(back, {u, v});
        kp2d[j * 2] = float(img.x);
        kp2d[j * 2 + 1] = float(img.y);
      }
      if (!o_.coco.empty()) {
        std::vector<vision::ImageKeypoint> spin(24);
        for (int j = 0; j < 24; ++j) spin[j] = {kp2d[j * 2], kp2d[j * 2 + 1], 1.0f};
        predicted_.push_back(predicted_person(f.frame.name, person.box, float(person.score),
                                              vision::spin24_to_coco(spin)));
      }
      const float box[4] = {float(person.box.x), float(person.box.y),
                            float(person.box.x + person.box.width),
                            float(person.box.y + person.box.height)};
      const float* pp = pose.data_ptr<float>() + r * 72;
      const float* bp = betas.data_ptr<float>() + r * 10;
      const float* jp = joints.data_ptr<float>() + r * 24 * 3;
      people.push_back({{"track_id", person.track},
                        {"score", person.score},
                        {"box", floats(box, 4)},
                        {"crop_center", {person.crop_box.center.x, person.crop_box.center.y}},
                        {"crop_side", side},
                        {"pose", floats(pp, 72)},
                        {"betas", floats(bp, 10)},
                        {"cam", floats(c, 3)},
                        {"cam_t", floats(cam_t, 3)},
                        {"keypoints_2d", floats(kp2d.data(), 48)},
                        {"keypoints_3d", floats(kp, 72)},
                        {"joints_3d", floats(jp, 72)}});
      auto append = [](std::vector<float>& v, const float* p, int64_t n) {
        v.insert(v.end(), p, p + n);
      };
      records_.frame.push_back(f.frame.index);
      records_.track.push_back(person.track);
      records_.score.push_back(float(person.score));
      append(records_.box, box, 4);
      append(records_.pose, pp, 72);
      append(records_.betas, bp, 10);
      append(records_.cam, c, 3);
      append(records_.cam_t, cam_t, 3);
      append(records_.keypoints_2d, kp2d.data(), 48);
      append(records_.keypoints_3d, kp, 72);
      append(records_.joints_3d, jp, 72);
      auto& motion = motions_[person.track];
      motion.rotmats.push_back(rotmats[r]);
      motion.betas.push_back(betas[r]);
      motion.frames.push_back(double(f.frame.index));
      ++summary_.people;

      if (o_.overlays != OverlayMode::kNone) {
        StageTimer t(summary_.stage_seconds, "render");
        const int64_t nv = vertices.size(1);
        const float* vp = vertices.data_ptr<float>() + r * nv * 3;
        auto& screen = screens[k];
        screen.resize(nv * 3);
        for (int64_t v = 0; v < nv; ++v) {
          const double u = (s * vp[v * 3] + c[1] + 1.0) * 0.5 * resolution_;
          const double w = (s * vp[v * 3 + 1] + c[2] + 1.0) * 0.5 * resolution_;
          const auto img = geometry::apply_affine(back, {u, w});
          screen[v * 3] = float(img.x);
          screen[v * 3 + 1] = float(img.y);
          screen[v * 3 + 2] = float(vp[v * 3 + 2] * s * side / 2);
        }
      }
      if (o_.obj) {
        StageTimer t(summary_.stage_seconds, "write");
        body::write_obj(
            dir() / "obj" /
                (frame_file(f.frame.index, "") + "_track" + std::to_string(person.track) + ".obj"),
            vertices[r], body_->faces());
      }
    }
    if (o_.overlays != OverlayMode::kNone) render_overlay(f, screens);
    StageTimer t(summary_.stage_seconds, "write");
    nlohmann::json j = {{"frame", f.frame.index}, {"source", f.frame.name}, {"width", image.cols},
                        {"height", image.rows},   {"focal_length", focal},  {"people", people}};
    write_file_atomic(dir() / "frames" / frame_file(f.frame.index, ".json"), j.dump(1) + "\n");
  }

  void render_overlay(const PendingFrame& f, const std::vector<std::vector<float>>& screens) {
    StageTimer t(summary_.stage_seconds, "render");
    cv::Mat canvas = f.frame.image.clone();
    cv::Mat side;
    const int64_t nv = body_->num_vertices();
    const int64_t* faces = faces_.data_ptr<int64_t>();
    for (std::size_t k = 0; k < screens.size(); ++k) {
      canvas = geometry::overlay_mesh(canvas, screens[k].data(), nv, faces, faces_.size(0), 0.6f,
                                      track_color(f.people[k].track));
    }
    if (o_.side_view) {
      side = cv::Mat(canvas.size(), CV_8UC3, cv::Scalar(30, 30, 30));
      if (!screens.empty())
        side = geometry::side_view(canvas.size(), screens[0].data(), nv, faces, faces_.size(0),
                                   track_color(f.people[0].track));
      cv::hconcat(canvas, side, canvas);
    }
    if (canvas.cols > kMaxOverlaySide || canvas.rows > kMaxOverlaySide)
      throw frame_error(f.frame, "frame too large for an overlay; use --overlay none" +
                                     std::string(o_.side_view ? " or leave out --side-view" : ""))
          .expected("an overlay of at most " + std::to_string(kMaxOverlaySide) +
                    " pixels a side (JPEG, MJPG)")
          .found(std::to_string(canvas.cols) + "x" + std::to_string(canvas.rows));
    if (o_.overlays == OverlayMode::kImages) {
      std::vector<uchar> bytes;
      if (!cv::imencode(".jpg", canvas, bytes, {cv::IMWRITE_JPEG_QUALITY, 90}))
        throw frame_error(f.frame, "cannot encode the overlay as JPEG");
      write_file_atomic(dir() / "overlays" / frame_file(f.frame.index, ".jpg"),
                        std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
      return;
    }
    if (!video_.isOpened()) {
      video_size_ = canvas.size();
      video_partial_ = dir() / "overlay.partial.avi";
      if (!video_.open(video_partial_.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'),
                       source_->fps(), video_size_))
        throw Error("OpenCV cannot write an MJPG video").file(video_partial_.string());
    }
    if (canvas.size() != video_size_) cv::resize(canvas, canvas, video_size_);
    video_.write(canvas);
  }

  void finish() {
    StageTimer t(summary_.stage_seconds, "write");
    if (video_.isOpened()) {
      video_.release();
      fs::rename(video_partial_, dir() / "overlay.avi");
    }
    const int64_t n = static_cast<int64_t>(records_.frame.size());
    Npz npz;
    npz.set("frame", NpyArray::from_i64({n}, records_.frame));
    npz.set("track_id", NpyArray::from_i64({n}, records_.track));
    npz.set("score", NpyArray::from_f32({n}, records_.score));
    npz.set("box", NpyArray::from_f32({n, 4}, records_.box));
    npz.set("pose", NpyArray::from_f32({n, 72}, records_.pose));
    npz.set("betas", NpyArray::from_f32({n, 10}, records_.betas));
    npz.set("cam", NpyArray::from_f32({n, 3}, records_.cam));
    npz.set("cam_t", NpyArray::from_f32({n, 3}, records_.cam_t));
    npz.set("keypoints_2d", NpyArray::from_f32({n, 24, 2}, records_.keypoints_2d));
    npz.set("keypoints_3d", NpyArray::from_f32({n, 24, 3}, records_.keypoints_3d));
    npz.set("joints_3d", NpyArray::from_f32({n, 24, 3}, records_.joints_3d));
    npz.set("frame_names",
            NpyArray::from_strings({static_cast<int64_t>(records_.frame_names.size())},
                                   records_.frame_names));
    write_npz(dir() / "results.npz", npz);
    summary_.tracks = source_->is_sequence() ? tracker_.tracks_started() : single_tracks_;
    if (!o_.exports) return;
    for (const auto& [track, m] : motions_) {
      TrackMotion motion;
      motion.rotmats = torch::stack(m.rotmats);
      motion.betas = torch::stack(m.betas).mean(0);
      motion.frames = m.frames;
      motion.fps = source_->fps();
      const std::string stem = "track_" + std::to_string(track);
      write_glb(dir() / "tracks" / (stem + ".glb"), *body_, motion);
      write_bvh(dir() / "tracks" / (stem + ".bvh"), *body_, motion);
    }
  }

  struct MotionParts {
    std::vector<at::Tensor> rotmats, betas;
    std::vector<double> frames;
  };

  const InferOptions& o_;
  std::function<void(const std::string&)> warn_;
  std::unique_ptr<FrameSource> source_;
  std::unique_ptr<BoxSource> boxes_;
  std::vector<eval::CocoPerson> truth_;
  std::vector<eval::PredictedPerson> predicted_;
  std::unique_ptr<body::BodyModel> body_;
  std::unique_ptr<model::PoseNetwork> network_;
  // Declared before the video writer, so that the writer is closed before a failed run's
  // outputs are removed.
  std::unique_ptr<StagedOutput> out_;
  int resolution_ = 224;
  at::Tensor faces_;
  Tracker tracker_;
  std::map<int, double> track_scores_;  // each track's detector score at its last detection
  int frames_since_detection_ = 0;
  bool replayed_boxes_ = false;
  int64_t single_tracks_ = 0;
  std::vector<PendingFrame> pending_;
  int64_t pending_crops_ = 0;
  Records records_;
  std::map<int, MotionParts> motions_;
  cv::VideoWriter video_;
  cv::Size video_size_;
  fs::path video_partial_;
  InferSummary summary_;
};

}  // namespace

InferSummary run_inference(const InferOptions& options) { return Pipeline(options).run(); }

}  // namespace motioncue::infer
