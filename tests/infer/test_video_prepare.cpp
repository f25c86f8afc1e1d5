// video prepare: a user's video becomes sequence folders the refinement's VideoDataset reads, with
// the tracks, frame rate and lengths asked for, and nothing left behind when it cannot.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../support/error_text.h"
#include "../support/temp_dir.h"
#include "motioncue/core/files.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/infer/video_prepare.h"

namespace {

namespace fs = std::filesystem;
namespace mi = motioncue::infer;
using motioncue::testing::message_of;
using motioncue::testing::TempDir;

constexpr int kFrames = 30, kWidth = 160, kHeight = 120;

// A bright figure walking right across a dark 30 fps video, and its box per frame; frame 20 has
// no box (the person lost for a frame).
fs::path write_walk(const fs::path& dir, nlohmann::json& boxes) {
  const fs::path video = dir / "walk.avi";
  cv::VideoWriter writer(video.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 30,
                         cv::Size(kWidth, kHeight));
  EXPECT_TRUE(writer.isOpened());
  for (int f = 0; f < kFrames; ++f) {
    cv::Mat frame(kHeight, kWidth, CV_8UC3, cv::Scalar(30, 30, 30));
    const int x = 20 + 3 * f;
    cv::rectangle(frame, cv::Rect(x, 30, 20, 60), cv::Scalar(200, 220, 240), cv::FILLED);
    writer.write(frame);
    if (f != 20) boxes[std::to_string(f)] = {{x, 30, x + 20, 90}};
  }
  return video;
}

// The walk video and its box file in a fresh temporary folder.
struct Walk {
  Walk() {
    motioncue::Progress::set_enabled(false);
    nlohmann::json boxes;
    video = write_walk(tmp.path(), boxes);
    box_file = tmp / "boxes.json";
    motioncue::write_file_atomic(box_file, boxes.dump());
  }
  TempDir tmp;
  fs::path video, box_file;
};

mi::PrepareOptions quiet_options(const fs::path& boxes) {
  mi::PrepareOptions o;
  o.boxes = boxes.string();
  o.min_length = 8;
  o.progress = false;
  o.warn = [](const std::string&) {};
  return o;
}

}  // namespace

TEST(VideoPrepare, TracksBecomeSequencesTheRefinementReads) {
  const Walk walk;
  const auto& tmp = walk.tmp;
  const auto &video = walk.video, &box_file = walk.box_file;

  const auto out = tmp / "prepared";
  const auto report = mi::prepare_videos({video}, out, quiet_options(box_file));
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0].frames, kFrames);
  EXPECT_EQ(report[0].sequences, 2);  // frames 0-19 and 21-29: the gap splits the run
  EXPECT_EQ(report[0].kept_frames, 29);
  EXPECT_TRUE(fs::exists(out / "contact_sheet.png"));
  EXPECT_FALSE(fs::exists(out / ".prepare-partial"));
  const auto record = nlohmann::json::parse(motioncue::read_file_text(out / "prepare.json"));
  EXPECT_EQ(record["sequences"].size(), 2u);

  const auto dataset = motioncue::data::VideoDataset::open(out);
  ASSERT_EQ(dataset.num_sequences(), 2);
  EXPECT_EQ(dataset.num_frames(0) + dataset.num_frames(1), 29);
  EXPECT_DOUBLE_EQ(dataset.fps(0), 30.0);
  // Each frame's box is the person's square crop: centred on the figure in the stored frame.
  for (int s = 0; s < 2; ++s)
    for (int t = 0; t < dataset.num_frames(s); ++t) {
      const auto box = dataset.box(s, t);
      const cv::Mat frame = dataset.frame(s, t);
      ASSERT_GE(box.center.x, 0);
      ASSERT_LT(box.center.x, frame.cols);
      cv::Mat gray;
      cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
      EXPECT_GT(gray.at<uchar>(static_cast<int>(box.center.y), static_cast<int>(box.center.x)), 150)
          << "sequence " << s << " frame " << t;
    }

  // At 15 fps every other frame is kept; the box file still names the video's own frames.
  const auto half = tmp / "half";
  auto o = quiet_options(box_file);
  o.fps = 15;
  o.min_length = 4;
  const auto r15 = mi::prepare_videos({video}, half, o);
  EXPECT_EQ(r15[0].frames, kFrames / 2);
  EXPECT_EQ(r15[0].kept_frames, kFrames / 2 - 1);  // frame 20 has no box
  EXPECT_DOUBLE_EQ(motioncue::data::VideoDataset::open(half).fps(0), 15.0);
}

TEST(VideoPrepare, BadInputIsAClearErrorAndLeavesNothing) {
  const Walk walk;
  const auto& tmp = walk.tmp;
  const auto &video = walk.video, &box_file = walk.box_file;
  const auto out = tmp / "out";

  auto msg =
      message_of([&] { mi::prepare_videos({tmp / "none.mp4"}, out, quiet_options(box_file)); });
  EXPECT_NE(msg.find("none.mp4"), std::string::npos) << msg;
  auto o = quiet_options(box_file);
  o.min_length = 40;  // longer than the video: nothing kept is an Error, not an empty folder
  msg = message_of([&] { mi::prepare_videos({video}, out, o); });
  EXPECT_NE(msg.find("--min-length"), std::string::npos) << msg;
  msg = message_of([&] { mi::prepare_videos({video, video}, out, quiet_options(box_file)); });
  EXPECT_NE(msg.find("one video"), std::string::npos) << msg;
  o = quiet_options(box_file);
  o.max_people = 0;
  msg = message_of([&] { mi::prepare_videos({video}, out, o); });
  EXPECT_NE(msg.find("--max-people"), std::string::npos) << msg;
  o = quiet_options(box_file);
  o.fps = -1;
  msg = message_of([&] { mi::prepare_videos({video}, out, o); });
  EXPECT_NE(msg.find("--fps"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(out));

  // An existing non-empty folder is refused and kept as it was.
  fs::create_directories(out);
  motioncue::write_file_atomic(out / "mine.txt", std::string("keep"));
  msg = message_of([&] { mi::prepare_videos({video}, out, quiet_options(box_file)); });
  EXPECT_NE(msg.find("not empty"), std::string::npos) << msg;
  EXPECT_EQ(motioncue::read_file_text(out / "mine.txt"), "keep");
}
