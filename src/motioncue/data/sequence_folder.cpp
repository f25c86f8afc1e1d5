#include "motioncue/data/sequence_folder.h"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "motioncue/core/error.h"
#include "motioncue/core/npz.h"

namespace motioncue::data {
namespace fs = std::filesystem;
namespace {

bool holds_sequence(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "frames", ec) || fs::is_regular_file(dir / "annotations.npz", ec);
}

// Non-hidden sub-folders, sorted (hidden: the flow cache, ".<seq>.partial" of an interrupted
// writer).
std::vector<fs::path> visible_subfolders(const fs::path& dir) {
  std::vector<fs::path> subs;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::end(it); it.increment(ec))
    if (it->is_directory(ec) && it->path().filename().string().rfind('.', 0) != 0)
      subs.push_back(it->path());
  if (ec) throw Error("cannot list the folder: " + ec.message()).file(dir.string());
  std::sort(subs.begin(), subs.end());
  return subs;
}

void search_sequences(const fs::path& dir, std::vector<fs::path>& found) {
  if (holds_sequence(dir)) {
    found.push_back(dir);
    return;
  }
  const auto subs = visible_subfolders(dir);
  const bool in_split = std::any_of(subs.begin(), subs.end(), holds_sequence);
  for (const auto& sub : subs) {
    // A folder of sequences is a split: every visible sub-folder must be a sequence.
    if (in_split && !holds_sequence(sub))
      throw Error("sequence folder has neither frames/ nor annotations.npz").file(sub.string());
    std::error_code ec;
    if (!fs::is_symlink(sub, ec)) search_sequences(sub, found);  // no loops through links
  }
}

bool all_digits(const std::string& s) {
  // Through unsigned char: a negative char (any non-ASCII byte of a UTF-8 name) is undefined for
  // the <cctype> functions.
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string box_key(std::size_t t) { return "center/scale[" + std::to_string(t) + "]"; }

std::string box_text(const geometry::PersonBox& b, std::size_t t) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "center (%g, %g), scale %g in frame %zu", b.center.x, b.center.y,
                b.scale, t);
  return buf;
}

std::string size_text(cv::Size s) {
  return std::to_string(s.width) + "x" + std::to_string(s.height);
}

// Pixel coordinates: no frame is a million pixels wide; beyond that is a broken writer.
constexpr double kMaxBoxPixels = 1e6;

void check_box(const geometry::PersonBox& b, const std::string& origin, std::size_t t) {
  const auto fail = [&](const std::string& problem, const std::string& expected) {
    return Error(problem).file(origin).key(box_key(t)).expected(expected).found(box_text(b, t));
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

std::vector<fs::path> find_sequence_folders(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw Error("no such folder of video sequences").file(root);
  std::vector<fs::path> found;
  search_sequences(root, found);
  if (found.empty())
    throw Error("no sequence folders found under it")
        .file(root.string())
        .expected("<sequence>/frames + annotations.npz, at any depth");
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<fs::path> list_sequence_frames(const fs::path& sequence_dir) {
  const fs::path dir = sequence_dir / "frames";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error("sequence has no frames folder").file(dir.string());
  std::vector<fs::path> frames;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::end(it); it.increment(ec)) {
    std::string ext = it->path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (it->is_regular_file(ec) && (ext == ".png" || ext == ".jpg" || ext == ".jpeg"))
      frames.push_back(it->path());
  }
  if (ec) throw Error("cannot list the frames: " + ec.message()).file(dir.string());
  if (frames.empty())
    throw Error("sequence has no frames").file(dir.string()).expected("000000.png, ... or *.jpg");
  std::sort(frames.begin(), frames.end());
  const auto numbered = [](const fs::path& f) { return all_digits(f.stem().string()); };
  if (!std::all_of(frames.begin(), frames.end(), numbered)) return frames;

  // Numbered frames: in numeric order (1.png, 2.png, 10.png), with none missing.
  const auto number = [](const fs::path& f) { return std::stoll(f.stem().string()); };
  std::stable_sort(frames.begin(), frames.end(),
                   [&](const fs::path& a, const fs::path& b) { return number(a) < number(b); });
  for (std::size_t i = 1; i < frames.size(); ++i) {
    const long long want = number(frames[0]) + static_cast<long long>(i);
    if (number(frames[i]) == want) continue;
    if (number(frames[i]) < want)
      throw Error("two frame files have the same number").file(frames[i].string());
    const std::string width = std::to_string(frames[i].stem().string().size());
    char name[64];
    std::snprintf(name, sizeof name, ("%0" + width + "lld").c_str(), want);
    throw Error("frame files are not numbered consecutively")
        .file((dir / (name + frames[i].extension().string())).string())
        .found("missing, with " + std::to_string(frames.size()) + " frame files present");
  }
  return frames;
}

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
  for (std::size_t i = 0; i < a.scale.size(); ++i)
    check_box({{a.center[2 * i], a.center[2 * i + 1]}, a.scale[i]}, origin, i);
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

void check_box_in_frame(const geometry::PersonBox& box, std::size_t t, cv::Size frame_size,
                        const fs::path& frame_file) {
  const double half = 100.0 * box.scale;
  if (box.center.x + half > 0 && box.center.x - half < frame_size.width &&
      box.center.y + half > 0 && box.center.y - half < frame_size.height)
    return;
  throw Error("the person box lies outside the frame (its crop would be blank)")
      .file((frame_file.parent_path().parent_path() / "annotations.npz").string())
      .key(box_key(t))
      .expected("a box overlapping the " + size_text(frame_size) + " frame " +
                frame_file.filename().string())
      .found(box_text(box, t));
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

}  // namespace motioncue::data
