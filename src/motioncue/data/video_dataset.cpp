#include "motioncue/data/video_dataset.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"

namespace motioncue::data {
namespace fs = std::filesystem;
namespace {

std::string frame_file_name(std::int64_t t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06lld.png", static_cast<long long>(t));
  return buf;
}

// Frame files must be exactly 000000.png .. (T-1).png; returns T.
std::int64_t count_frames(const fs::path& frames_dir) {
  std::error_code ec;
  if (!fs::is_directory(frames_dir, ec))
    throw Error("sequence has no frames folder").file(frames_dir.string());
  std::set<std::int64_t> numbers;
  for (const auto& entry : fs::directory_iterator(frames_dir)) {
    if (entry.path().extension() != ".png") continue;
    const std::string stem = entry.path().stem().string();
    if (stem.size() != 6 || !std::all_of(stem.begin(), stem.end(), ::isdigit))
      throw Error("unexpected frame file name")
          .file(entry.path().string())
          .expected("six digits, e.g. 000000.png");
    numbers.insert(std::stoll(stem));
  }
  if (numbers.empty())
    throw Error("sequence has no frames").file(frames_dir.string()).expected("000000.png, ...");
  const auto t = static_cast<std::int64_t>(numbers.size());
  if (*numbers.begin() != 0 || *numbers.rbegin() != t - 1) {
    std::int64_t missing = 0;
    while (numbers.count(missing)) ++missing;
    throw Error("frame files are not numbered contiguously from 000000.png")
        .file((frames_dir / frame_file_name(missing)).string())
        .found("missing, with " + std::to_string(t) + " frame files present");
  }
  return t;
}

}  // namespace

SequenceAnnotations read_sequence_annotations(const fs::path& annotations_npz,
                                              std::int64_t frames) {
  const Npz npz = read_npz(annotations_npz);
  const std::string origin = annotations_npz.string();
  SequenceAnnotations a;
  a.frames = frames;
  const NpyArray& center = npz.at("center");
  if (center.shape.size() != 2 || center.shape[1] != 2)
    throw Error("wrong shape")
        .file(origin)
        .key("center")
        .expected("(T, 2)")
        .found(center.shape_string());
  if (center.shape[0] != frames)
    throw Error("annotation length differs from the number of frame files")
        .file(origin)
        .key("center")
        .expected(std::to_string(frames) + " rows (frames/ holds " + std::to_string(frames) +
                  " frames)")
        .found(std::to_string(center.shape[0]) + " rows");
  const std::int64_t t = frames;
  a.center = center.to_f64();
  a.scale = npz.at("scale", {t}).to_f64();
  for (std::int64_t i = 0; i < t; ++i) {
    const double s = a.scale[static_cast<std::size_t>(i)];
    if (!(s > 0) || !std::isfinite(s))
      throw Error("person box scale must be positive and finite")
          .file(origin)
          .key("scale")
          .found("frame " + std::to_string(i) + ": " + std::to_string(s));
    // A NaN centre crops nothing: the flow of an empty crop is all zeros, cached as if real.
    for (int c = 0; c < 2; ++c)
      if (!std::isfinite(a.center[static_cast<std::size_t>(2 * i + c)]))
        throw Error("person box centre must be finite")
            .file(origin)
            .key("center")
            .found("frame " + std::to_string(i));
  }
  auto optional = [&](const char* key, const std::vector<std::int64_t>& dims) {
    return npz.contains(key) ? npz.at(key, dims).to_f32() : std::vector<float>{};
  };
  a.pose = optional("pose", {t, 72});
  a.betas = optional("betas", {t, 10});
  a.trans = optional("trans", {t, 3});
  a.joints3d = optional("joints3d", {t, 24, 3});
  a.joints2d = optional("joints2d", {t, 24, 3});
  a.focal = optional("focal", {t, 2});
  a.principal = optional("principal", {t, 2});
  a.keypoints2d_detected = optional("keypoints2d_detected", {t, 24, 3});
  check_detected_keypoints(a.keypoints2d_detected, origin, "keypoints2d_detected");
  return a;
}

VideoDataset::Sequence VideoDataset::open_sequence(const fs::path& dir) {
  Sequence s;
  s.name = dir.filename().string();
  s.dir = dir;
  const fs::path ann = dir / "annotations.npz";
  std::error_code ec;
  const bool has_frames = fs::is_directory(dir / "frames", ec);
  const bool has_ann = fs::is_regular_file(ann, ec);
  if (!has_frames && !has_ann)
    throw Error("sequence folder has neither frames/ nor annotations.npz").file(dir.string());
  if (!has_ann) throw Error("sequence has no annotations.npz").file(ann.string());
  const std::int64_t frames = count_frames(dir / "frames");
  const fs::path meta = dir / "meta.json";
  if (fs::exists(meta, ec)) {
    const nlohmann::json j = read_json_file(meta);
    if (j.contains("frames") && j["frames"].is_number_integer() &&
        j["frames"].get<std::int64_t>() != frames)
      throw Error("meta.json frame count differs from the number of frame files")
          .file(meta.string())
          .key("frames")
          .expected(std::to_string(frames))
          .found(j["frames"].dump());
    if (j.contains("fps") && j["fps"].is_number()) s.fps = j["fps"].get<double>();
  }
  s.ann = read_sequence_annotations(ann, frames);
  return s;
}

VideoDataset VideoDataset::open(const fs::path& split_dir) {
  std::error_code ec;
  if (!fs::is_directory(split_dir, ec))
    throw Error("video split folder not found").file(split_dir.string());
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(split_dir))
    // Hidden folders are not sequences (e.g. ".<seq>.partial", left by an interrupted synth run).
    if (entry.is_directory() && entry.path().filename().string().rfind('.', 0) != 0)
      dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  if (dirs.empty())
    throw Error("video split has no sequence folders")
        .file(split_dir.string())
        .expected("<split>/<sequence>/frames + annotations.npz");
  VideoDataset d;
  d.split_dir_ = split_dir;
  for (const auto& dir : dirs) d.sequences_.push_back(open_sequence(dir));
  return d;
}

const VideoDataset::Sequence& VideoDataset::at(std::int64_t seq) const {
  if (seq < 0 || seq >= num_sequences())
    throw Error("sequence index out of range")
        .file(split_dir_.string())
        .expected("0.." + std::to_string(num_sequences() - 1))
        .found(std::to_string(seq));
  return sequences_[static_cast<std::size_t>(seq)];
}

const std::string& VideoDataset::sequence_name(std::int64_t seq) const { return at(seq).name; }
const fs::path& VideoDataset::sequence_dir(std::int64_t seq) const { return at(seq).dir; }
std::int64_t VideoDataset::num_frames(std::int64_t seq) const { return at(seq).ann.frames; }
const SequenceAnnotations& VideoDataset::annotations(std::int64_t seq) const { return at(seq).ann; }
double VideoDataset::fps(std::int64_t seq) const { return at(seq).fps; }

std::int64_t VideoDataset::total_frames() const {
  std::int64_t n = 0;
  for (const auto& s : sequences_) n += s.ann.frames;
  return n;
}

fs::path VideoDataset::frame_path(std::int64_t seq, std::int64_t t) const {
  const Sequence& s = at(seq);
  if (t < 0 || t >= s.ann.frames)
    throw Error("frame index out of range")
        .file(s.dir.string())
        .expected("0.." + std::to_string(s.ann.frames - 1))
        .found(std::to_string(t));
  return s.dir / "frames" / frame_file_name(t);
}

cv::Mat VideoDataset::frame(std::int64_t seq, std::int64_t t) const {
  const fs::path path = frame_path(seq, t);
  cv::Mat img = cv::imread(path.string(), cv::IMREAD_COLOR);
  if (img.empty())
    throw Error("cannot read the frame (missing or not an image)").file(path.string());
  return img;
}

geometry::PersonBox VideoDataset::box(std::int64_t seq, std::int64_t t) const {
  frame_path(seq, t);  // range check
  const auto& a = at(seq).ann;
  const auto r = static_cast<std::size_t>(t);
  return {{a.center[2 * r], a.center[2 * r + 1]}, a.scale[r]};
}

bool VideoDataset::has_ground_truth() const {
  return std::all_of(sequences_.begin(), sequences_.end(),
                     [](const Sequence& s) { return s.ann.has_ground_truth(); });
}

fs::path detected_keypoints_file(const fs::path& sequence_dir, const std::string& model) {
  return sequence_dir / "keypoints" / (model + ".npy");
}

void check_detected_keypoints(const std::vector<float>& keypoints, const std::string& origin,
                              const std::string& key) {
  for (std::size_t i = 0; i < keypoints.size(); ++i) {
    const float v = keypoints[i];
    const bool confidence = i % 3 == 2;
    if (std::isfinite(v) && (!confidence || (v >= 0.0f && v <= 1.0f))) continue;
    const std::size_t frame = i / 72, joint = (i / 3) % 24;
    throw Error(confidence ? "keypoint confidence outside [0, 1]" : "keypoint is not finite")
        .file(origin)
        .key(key)
        .found("frame " + std::to_string(frame) + ", keypoint " + std::to_string(joint) + ": " +
               std::to_string(v));
  }
}

void VideoDataset::use_detected_keypoints(const std::string& source) {
  if (source == "annotations") return;
  // All read and checked before any is replaced: a failure leaves the dataset as it was.
  std::vector<std::vector<float>> read;
  for (const Sequence& s : sequences_) {
    const fs::path file = detected_keypoints_file(s.dir, source);
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
      throw Error(
          "no detector keypoints for this sequence (make them with `motioncue flow --data " +
          split_dir_.string() + " --keypoints " + source + "`)")
          .file(file.string());
    const NpyArray array = read_npy(file);
    if (array.shape != std::vector<std::int64_t>{s.ann.frames, 24, 3})
      throw Error("detector keypoints of the wrong shape")
          .file(file.string())
          .expected("(" + std::to_string(s.ann.frames) + ", 24, 3)")
          .found(array.shape_string());
    std::vector<float> values = array.to_f32();
    check_detected_keypoints(values, file.string(), source);
    read.push_back(std::move(values));
  }
  for (std::size_t i = 0; i < sequences_.size(); ++i)
    sequences_[i].ann.keypoints2d_detected = std::move(read[i]);
}

bool VideoDataset::has_detected_keypoints() const {
  return std::any_of(sequences_.begin(), sequences_.end(),
                     [](const Sequence& s) { return !s.ann.keypoints2d_detected.empty(); });
}

}  // namespace motioncue::data
