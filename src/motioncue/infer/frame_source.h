// Where inference reads its frames from: one image file, a folder of images (sorted by name) or
// a video file (OpenCV's VideoCapture).
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace motioncue::infer {

struct Frame {
  int64_t index = 0;  // 0-based position in the input
  std::string name;   // file name for images, "frame_<index>" for video
  cv::Mat image;      // BGR CV_8UC3
};

using WarningSink = std::function<void(const std::string&)>;

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The next frame, or false at the end. A folder image that cannot be read is reported to the
  // warning sink and skipped; a single image that cannot be read throws.
  virtual bool next(Frame& frame) = 0;
  virtual int64_t size_hint() const = 0;  // frames expected, -1 when unknown
  // The frame count a video's container announces (-1 for images, or when it gives none); more
  // than next() delivered means a truncated or damaged file.
  virtual int64_t announced_frames() const { return -1; }
  virtual double fps() const = 0;        // the video's rate; 30 for images
  virtual bool is_sequence() const = 0;  // a video or a folder (tracking applies)
};

bool is_video_file(const std::filesystem::path& file);
bool is_image_file(const std::filesystem::path& file);

// Throws Error naming the path when it does not exist, a folder holds no images, or a video
// cannot be opened.
std::unique_ptr<FrameSource> open_frames(const std::filesystem::path& input, WarningSink warn);

}  // namespace motioncue::infer
