// `infer --adapt`: the input's person tracks become refinement clips whose frames keep each
// person crop intact, a video adapts end to end with its record beside the results, and zero
// adaptation steps give exactly plain inference.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include <string>
#include <vector>

#include "../support/small_benchmark.h"
#include "../support/temp_dir.h"
#include "infer_fixture.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/geometry/crop.h"
#include "motioncue/infer/frame_source.h"
#include "motioncue/infer/infer.h"
#include "motioncue/infer/person_boxes.h"
#include "motioncue/infer/track_clips.h"

namespace fs = std::filesystem;
namespace mi = motioncue::infer;
using motioncue::testing::TempDir;

TEST(TrackClips, RunsOfConsecutiveFramesPerTrackBecomeClips) {
  std::vector<mi::TrackedBox> boxes;
  for (int f = 0; f < 10; ++f) boxes.push_back({f, 0, cv::Rect2d(10 + f, 20, 40, 80)});
  for (int f : {0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12}) boxes.push_back({f, 1, {100, 20, 40, 80}});
  const auto plans = mi::plan_clips(boxes, 4, 6, 64);
  ASSERT_EQ(plans.size(), 3u);  // track 0: 0-5, 6-9; track 1: 5-10 (0-2 and 11-12 too short)
  EXPECT_EQ(plans[0].track, 0);
  EXPECT_EQ(plans[0].first, 0);
  EXPECT_EQ(plans[0].last, 5);
  EXPECT_EQ(plans[1].first, 6);
  EXPECT_EQ(plans[1].last, 9);
  EXPECT_EQ(plans[2].track, 1);
  EXPECT_EQ(plans[2].first, 5);
  EXPECT_EQ(plans[2].last, 10);
  // The region holds every frame's crop square (side 1.2 x 80 = 96, centred on the box).
  // 1.2 x 80 is not exact in binary: a few ulps of 100 px, far inside 1e-6.
  EXPECT_NEAR(plans[0].region.x, 10 + 20 - 48, 1e-6);
  EXPECT_NEAR(plans[0].region.width, 96 + 5, 1e-6);
  EXPECT_NEAR(plans[0].region.height, 96, 1e-6);
  EXPECT_NEAR(plans[0].zoom, 64.0 / 101.0, 1e-6);
  EXPECT_THROW(mi::plan_clips(boxes, 1, 6, 64), motioncue::Error);
}

TEST(TrackClips, StoredFramesKeepEachPersonCrop) {
  motioncue::Progress::set_enabled(false);
  TempDir tmp;
  fs::create_directories(tmp / "video");
  std::vector<mi::TrackedBox> boxes;
  for (int f = 0; f < 4; ++f) {
    cv::imwrite((tmp / "video" / ("f" + std::to_string(f) + ".png")).string(),
                motioncue::testing::synthetic_frame(f));
    boxes.push_back({f, 0, motioncue::testing::person_rect(0, f)});
  }
  const auto plans = mi::plan_clips(boxes, 3, 100, 1000);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_DOUBLE_EQ(plans[0].zoom, 1.0);
  auto source = mi::open_frames(tmp / "video", [](const std::string&) {});
  EXPECT_EQ(mi::write_clips(*source, plans, boxes, tmp / "clips"), 4);
  const auto clips = motioncue::data::VideoDataset::open(tmp / "clips");
  ASSERT_EQ(clips.num_sequences(), 1);
  ASSERT_EQ(clips.num_frames(0), 4);
  for (int f = 0; f < 4; ++f) {
    const cv::Mat original = motioncue::geometry::crop_image(
        motioncue::testing::synthetic_frame(f), mi::square_person_box(boxes[f].box), 48);
    const cv::Mat stored = motioncue::geometry::crop_image(clips.frame(0, f), clips.box(0, f), 48);
    cv::Mat diff;
    cv::absdiff(original, stored, diff);
    EXPECT_LT(cv::mean(diff)[0], 3.0) << f;  // the same pixels, up to sub-pixel resampling
  }
}

TEST(InferAdapt, AVideoAdaptsEndToEndAndZeroStepsIsPlainInference) {
  motioncue::Progress::set_enabled(false);
  TempDir tmp;
  motioncue::testing::SmallBenchmarkSizes sizes;
  sizes.test_frames = 6;
  const auto bench = motioncue::testing::make_small_benchmark(sizes);
  const auto hash = motioncue::body::load_default_model().hash();
  const auto checkpoint = motioncue::testing::make_checkpoint(tmp / "net", hash);
  const auto test = motioncue::data::VideoDataset::open(bench->path() / "test");
  const fs::path video = tmp / "clip.avi";
  {
    cv::VideoWriter writer(video.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25,
                           test.frame(0, 0).size());
    ASSERT_TRUE(writer.isOpened());
    for (int f = 0; f < 6; ++f) writer.write(test.frame(0, f));
  }
  auto options = [&](const std::string& out, int steps) {
    mi::InferOptions o;
    o.input = video;
    o.checkpoint = checkpoint;
    o.out = tmp / out;
    o.boxes = "full";
    o.overlays = mi::OverlayMode::kNone;
    o.exports = false;
    o.progress = false;
    o.warn = [](const std::string&) {};
    o.adapt.steps = steps;
    o.adapt.labeled = bench->path();
    o.adapt.min_length = 4;
    o.adapt.settings = {"labeled.count=-1", "refine.batch_size=2", "refine.pair_batch=2",
                        "refine.workers=0", "device=cpu"};
    return o;
  };
  const auto adapted = mi::run_inference(options("adapted", 2));
  EXPECT_FALSE(adapted.adaptation.empty());
  EXPECT_NE(adapted.to_string().find("adaptation ("), std::string::npos) << adapted.to_string();
  const auto log =
      nlohmann::json::parse(motioncue::read_file_text(tmp / "adapted" / "adapt" / "adapt.json"));
  EXPECT_EQ(log["clips"], 1);
  EXPECT_EQ(log["clip_frames"], 6);
  EXPECT_TRUE(fs::is_regular_file(tmp / "adapted" / "adapt" / "run" / "best.ckpt"));
  EXPECT_TRUE(fs::is_regular_file(tmp / "adapted" / "adapt" / "run" / "curves.csv"));
  EXPECT_FALSE(fs::exists(tmp / "adapted" / "adapt" / "clips"));  // working files go
  EXPECT_EQ(adapted.frames, 6);
  EXPECT_EQ(adapted.people, 6);

  // --adapt-steps 0 is plain inference, to the byte of every array.
  mi::run_inference(options("zero", 0));
  auto plain_options = options("plain", 0);
  plain_options.adapt = {};
  mi::run_inference(plain_options);
  EXPECT_FALSE(fs::exists(tmp / "zero" / "adapt"));
  const auto zero = motioncue::read_npz(tmp / "zero" / "results.npz");
  const auto plain = motioncue::read_npz(tmp / "plain" / "results.npz");
  for (const char* key : {"pose", "betas", "cam", "keypoints_2d", "box"})
    EXPECT_EQ(zero.at(key).bytes, plain.at(key).bytes) << key;

  // A single image has no motion to adapt on: a clear error, nothing left.
  auto image = options("image", 2);
  image.input = test.frame_path(0, 0);
  EXPECT_THROW(mi::run_inference(image), motioncue::Error);
  EXPECT_FALSE(fs::exists(tmp / "image"));
}
