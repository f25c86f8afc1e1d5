#include "motioncue/infer/frame_source.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cctype>
#include <vector>

#include "motioncue/core/error.h"

namespace motioncue::infer {
namespace fs = std::filesystem;

namespace {

std::string lower_extension(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

class ImageListSource : public FrameSource {
 public:
  ImageListSource(std::vector<fs::path> files, bool single, WarningSink warn)
      : files_(std::move(files)), single_(single), warn_(std::move(warn)) {}

  bool next(Frame& frame) override {
    while (pos_ < files_.size()) {
      const fs::path& file = files_[pos_++];
      cv::Mat image = cv::imread(file.string(), cv::IMREAD_COLOR);
      if (image.empty()) {
        if (single_) throw Error("not a readable image").file(file.string());
        if (warn_) warn_(file.string() + ": not a readable image; skipped");
        continue;
      }
      frame.index = index_++;
      frame.name = file.filename().string();
      frame.image = image;
      return true;
    }
    return false;
  }
  int64_t size_hint() const override { return static_cast<int64_t>(files_.size()); }
  double fps() const override { return 30.0; }
  bool is_sequence() const override { return !single_; }

 private:
  std::vector<fs::path> files_;
  bool single_;
  WarningSink warn_;
  std::size_t pos_ = 0;
  int64_t index_ = 0;
};

class VideoSource : public FrameSource {
 public:
  explicit VideoSource(const fs::path& file) : file_(file) {
    if (!capture_.open(file.string()) || !capture_.isOpened())
      throw Error("cannot open video").file(file.string());
    const double fps = capture_.get(cv::CAP_PROP_FPS);
    fps_ = fps > 0 && fps < 1000 ? fps : 30.0;
    // Some containers give no count (0, -1) or nonsense; converting that to an integer would not
    // be defined.
    const double count = capture_.get(cv::CAP_PROP_FRAME_COUNT);
    count_ = count >= 1 && count < 1e12 ? static_cast<int64_t>(count) : -1;
  }

  bool next(Frame& frame) override {
    cv::Mat image;
    if (!capture_.read(image) || image.empty()) {
      if (index_ == 0) throw Error("video has no readable frames").file(file_.string());
      return false;
    }
    if (image.channels() == 1) cv::cvtColor(image, image, cv::COLOR_GRAY2BGR);
    frame.index = index_;
    frame.name = "frame_" + std::to_string(index_);
    frame.image = image;
    ++index_;
    return true;
  }
  int64_t size_hint() const override { return count_ > 0 ? count_ : -1; }
  int64_t announced_frames() const override { return count_ > 0 ? count_ : -1; }
  double fps() const override { return fps_; }
  bool is_sequence() const override { return true; }

 private:
  fs::path file_;
  cv::VideoCapture capture_;
  double fps_ = 30.0;
  int64_t count_ = -1, index_ = 0;
};

}  // namespace

bool is_video_file(const fs::path& file) {
  static const std::vector<std::string> exts = {".mp4",  ".avi", ".mov", ".mkv",
                                                ".webm", ".m4v", ".mpg", ".mpeg"};
  return std::find(exts.begin(), exts.end(), lower_extension(file)) != exts.end();
}

bool is_image_file(const fs::path& file) {
  static const std::vector<std::string> exts = {".jpg", ".jpeg", ".png",  ".bmp",
                                                ".tif", ".tiff", ".webp", ".ppm"};
  return std::find(exts.begin(), exts.end(), lower_extension(file)) != exts.end();
}

std::unique_ptr<FrameSource> open_frames(const fs::path& input, WarningSink warn) {
  std::error_code ec;
  if (!fs::exists(input, ec)) throw Error("input does not exist").file(input.string());
  if (fs::is_directory(input, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(input))
      if (entry.is_regular_file() && is_image_file(entry.path())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.empty())
      throw Error("folder holds no images").file(input.string()).expected(".jpg, .png, ...");
    return std::make_unique<ImageListSource>(std::move(files), false, std::move(warn));
  }
  if (is_video_file(input)) return std::make_unique<VideoSource>(input);
  return std::make_unique<ImageListSource>(std::vector<fs::path>{input}, true, std::move(warn));
}

}  // namespace motioncue::infer
