#include "motioncue/flow/precompute.h"

#include <tbb/parallel_for.h>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "motioncue/core/error.h"
#include "motioncue/core/npz.h"
#include "motioncue/flow/pair_flow.h"

namespace motioncue::flow {

namespace fs = std::filesystem;

namespace {

bool is_frame_file(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

std::string size_text(cv::Size s) {
  return std::to_string(s.width) + "x" + std::to_string(s.height);
}

std::string box_key(std::size_t t) { return "center/scale[" + std::to_string(t) + "]"; }

std::string box_text(const geometry::PersonBox& b) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "center (%g, %g), scale %g", b.center.x, b.center.y, b.scale);
  return buf;
}

// Pixel coordinates: no frame is a million pixels wide; beyond that is a broken writer.
constexpr double kMaxBoxPixels = 1e6;

void check_sequence_box(const geometry::PersonBox& b, const fs::path& ann_file, std::size_t t) {
  const auto fail = [&](const std::string& problem, const std::string& expected) {
    return Error(problem)
        .file(ann_file.string())
        .key(box_key(t))
        .expected(expected)
        .found(box_text(b));
  };
  if (!std::isfinite(b.center.x) || !std::isfinite(b.center.y) || !std::isfinite(b.scale))
    throw fail("the person box is not finite", "finite center and scale");
  if (!(200.0 * b.scale >= 1.0))
    throw fail("the person box is smaller than a pixel", "a side 200 * scale >= 1 pixel");
  if (std::abs(b.center.x) > kMaxBoxPixels || std::abs(b.center.y) > kMaxBoxPixels ||
      200.0 * b.scale > kMaxBoxPixels)
    throw fail("the person box is out of range",
               "center within +-1e6 pixels and a side 200 * scale <= 1e6");
}

}  // namespace

std::vector<fs::path> find_sequences(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw Error("not a folder").file(root.string());
  std::vector<fs::path> found;
  const auto is_sequence = [](const fs::path& d) {
    std::error_code e;
    return fs::is_regular_file(d / "annotations.npz", e) && fs::is_directory(d / "frames", e);
  };
  if (is_sequence(root)) found.push_back(root);
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_directory()) continue;
    const auto name = it->path().filename().string();
    // Hidden folders (the default .flow_cache) and frame folders hold no sequences.
    if (name.empty() || name[0] == '.' || name == "frames" || name == "flow") {
      it.disable_recursion_pending();
      continue;
    }
    if (is_sequence(it->path())) {
      found.push_back(it->path());
      it.disable_recursion_pending();
    }
  }
  if (ec) throw Error("cannot list the folder: " + ec.message()).file(root.string());
  if (found.empty())
    throw Error("no sequence folders (frames/ + annotations.npz) found under it")
        .file(root.string());
  std::sort(found.begin(), found.end());
  return found;
}

SequenceFrames read_sequence(const fs::path& dir) {
  SequenceFrames seq;
  seq.dir = dir;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir / "frames", ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_regular_file() && is_frame_file(it->path())) seq.frames.push_back(it->path());
  if (ec) throw Error("cannot list the frames: " + ec.message()).file((dir / "frames").string());
  std::sort(seq.frames.begin(), seq.frames.end());

  const fs::path ann_file = dir / "annotations.npz";
  const Npz ann = read_npz(ann_file);
  const auto t = std::int64_t(seq.frames.size());
  const auto center = ann.at("center", {-1, 2}).to_f64();
  const auto scale = ann.at("scale", {-1}).to_f64();
  if (std::int64_t(scale.size()) != t || std::int64_t(center.size()) != 2 * t)
    throw Error("the boxes do not match the frames")
        .file(ann_file.string())
        .key("center/scale")
        .expected(std::to_string(t) + " boxes (one per file in frames/)")
        .found(std::to_string(scale.size()) + " scales, " + std::to_string(center.size() / 2) +
               " centres");
  for (std::int64_t i = 0; i < t; ++i) {
    seq.boxes.push_back({{center[2 * i], center[2 * i + 1]}, scale[i]});
    check_sequence_box(seq.boxes.back(), ann_file, std::size_t(i));
  }
  return seq;
}

void check_box_in_frame(const SequenceFrames& seq, std::size_t t, cv::Size frame_size) {
  const auto& b = seq.boxes.at(t);
  const double half = 100.0 * b.scale;
  const bool overlaps = b.center.x + half > 0 && b.center.x - half < frame_size.width &&
                        b.center.y + half > 0 && b.center.y - half < frame_size.height;
  if (!overlaps)
    throw Error("the person box lies outside the frame (its crop would be blank)")
        .file((seq.dir / "annotations.npz").string())
        .key(box_key(t))
        .expected("a box overlapping the " + size_text(frame_size) + " frame " +
                  (t < seq.frames.size() ? seq.frames[t].filename().string() : std::string()))
        .found(box_text(b));
}

cv::Mat read_frame(const fs::path& file, cv::Size expected_size) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw Error("no such frame file").file(file.string());
  cv::Mat image = cv::imread(file.string(), cv::IMREAD_COLOR);
  if (image.empty())
    throw Error("cannot read the frame (unreadable or not an image)").file(file.string());
  if (!expected_size.empty() && image.size() != expected_size)
    throw Error("the frame's size differs from the sequence's first frame")
        .file(file.string())
        .expected(size_text(expected_size))
        .found(size_text(image.size()));
  return image;
}

PrecomputeStats precompute_flow(const std::vector<SequenceFrames>& sequences,
                                const FlowEstimator& estimator, const FlowCache& cache,
                                int resolution, int gap, const std::function<void()>& on_pair) {
  if (gap < 1) throw Error("the frame gap must be at least 1").found(std::to_string(gap));
  if (resolution < 8)
    throw Error("the crop resolution is too small").found(std::to_string(resolution));
  struct Job {
    const SequenceFrames* seq;
    std::size_t t;
  };
  std::vector<Job> jobs;
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    const auto& seq = sequences[s];
    if (seq.frames.empty()) continue;
    for (std::int64_t t = 0; t < pair_count(seq.frames.size(), gap); ++t)
      jobs.push_back({&seq, std::size_t(t)});
  }
  PrecomputeStats stats;
  stats.sequences = std::int64_t(sequences.size());
  stats.pairs = std::int64_t(jobs.size());
  const auto hits0 = cache.hits(), misses0 = cache.misses();
  const auto start = std::chrono::steady_clock::now();

  // The first frame's size of each sequence, which every other frame must match.
  std::vector<cv::Size> sizes(sequences.size());
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    if (sequences[s].frames.empty()) continue;
    sizes[s] = read_frame(sequences[s].frames[0]).size();
    for (std::int64_t t = 0; t < pair_count(sequences[s].frames.size(), gap); ++t)
      check_box_in_frame(sequences[s], std::size_t(t), sizes[s]);
  }
  const auto seq_index = [&](const SequenceFrames* p) { return std::size_t(p - sequences.data()); };

  tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t j) {
    const auto& [seq, t] = jobs[j];
    const cv::Size size = sizes[seq_index(seq)];
    const fs::path& f1 = seq->frames[t];
    const fs::path& f2 = seq->frames[t + std::size_t(gap)];
    const FlowCache::Key probe{f1.string(), f2.string(), crop_key(seq->boxes[t], resolution),
                               estimator.config_key(), true};
    FlowCache::Key back = probe;
    back.forward = false;
    // Frames are decoded only when some direction is missing: a warm cache reads two files.
    const bool have_fw = cache.get(probe).has_value(), have_bw = cache.get(back).has_value();
    if (!have_fw || !have_bw) {
      const cv::Mat a = geometry::crop_image(read_frame(f1, size), seq->boxes[t], resolution);
      const cv::Mat b = geometry::crop_image(read_frame(f2, size), seq->boxes[t], resolution);
      if (!have_fw) cache.put(probe, estimator.compute(a, b));
      if (!have_bw) cache.put(back, estimator.compute(b, a));
    }
    if (on_pair) on_pair();
  });
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats.hits = cache.hits() - hits0;
  stats.misses = cache.misses() - misses0;
  return stats;
}

}  // namespace motioncue::flow
