#include "motioncue/data/video_dataset.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "motioncue/core/error.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/npy.h"

namespace motioncue::data {
namespace fs = std::filesystem;
namespace {

// A sequence's name: its path below the folder opened, or its own name when it is that folder.
std::string name_below(const fs::path& root, const fs::path& dir) {
  const fs::path rel = dir.lexically_relative(root);
  if (!rel.empty() && rel != ".") return rel.generic_string();
  fs::path full = fs::absolute(root).lexically_normal();
  if (full.filename().empty()) full = full.parent_path();  // "seq/" -> "seq"
  return full.filename().string();
}

}  // namespace

VideoDataset::Sequence VideoDataset::open_sequence(const fs::path& dir, std::string name) {
  Sequence s;
  s.name = std::move(name);
  s.dir = dir;
  const fs::path ann = dir / "annotations.npz";
  std::error_code ec;
  if (!fs::is_regular_file(ann, ec))
    throw Error("sequence has no annotations.npz").file(ann.string());
  s.frames = list_sequence_frames(dir);
  const auto frames = static_cast<std::int64_t>(s.frames.size());
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
  VideoDataset d;
  d.split_dir_ = split_dir;
  for (const auto& dir : find_sequence_folders(split_dir))
    d.sequences_.push_back(open_sequence(dir, name_below(split_dir, dir)));
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
  return s.frames[static_cast<std::size_t>(t)];
}

cv::Mat VideoDataset::frame(std::int64_t seq, std::int64_t t, cv::Size expected_size) const {
  return read_frame(frame_path(seq, t), expected_size);
}

geometry::PersonBox VideoDataset::box(std::int64_t seq, std::int64_t t) const {
  frame_path(seq, t);  // range check
  const auto& a = at(seq).ann;
  const auto r = static_cast<std::size_t>(t);
  return {{a.center[2 * r], a.center[2 * r + 1]}, a.scale[r]};
}

void VideoDataset::check_box_in_frame(std::int64_t seq, std::int64_t t, cv::Size frame_size) const {
  data::check_box_in_frame(box(seq, t), static_cast<std::size_t>(t), frame_size,
                           frame_path(seq, t));
}

bool VideoDataset::has_ground_truth() const {
  return std::all_of(sequences_.begin(), sequences_.end(),
                     [](const Sequence& s) { return s.ann.has_ground_truth(); });
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
