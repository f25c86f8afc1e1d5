// Detector keypoints on every frame of a video sequence (`motioncue flow --keypoints`): MoveNet
// finds the drawn figure in each frame's box, the file is what the refinement's 2D keypoint term
// reads, and an unusable box is refused before anything is written.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include <string>

#include "../support/error_text.h"
#include "../support/pretrained_models.h"
#include "../support/temp_dir.h"
#include "../vision/synthetic_person.h"
#include "motioncue/body/joint_sets.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/infer/video_keypoints.h"

namespace fs = std::filesystem;
namespace mb = motioncue::body;
using motioncue::testing::TempDir;

namespace {

constexpr int kFigure = 256, kCanvas = 320, kTop = 30;
int figure_left(int t) { return 10 + 20 * t; }

// A sequence of `frames` frames of the figure moving right, with boxes that follow it; `scale0`
// replaces frame 0's box scale, `far1` moves frame 1's box far off the frame.
fs::path write_figure_sequence(const fs::path& dir, int frames, float scale0 = 1.5f,
                               bool far1 = false) {
  fs::create_directories(dir / "frames");
  std::vector<float> center, scale;
  for (int t = 0; t < frames; ++t) {
    char name[32];
    std::snprintf(name, sizeof name, "%06d.png", t);
    cv::imwrite((dir / "frames" / name).string(),
                motioncue::testing::figure_frame(kFigure, kCanvas, kCanvas, figure_left(t), kTop));
    center.push_back(t == 1 && far1 ? 5000.f : float(figure_left(t) + kFigure / 2));
    center.push_back(t == 1 && far1 ? 5000.f : float(kTop + kFigure / 2));
    scale.push_back(t == 0 ? scale0 : 1.5f);  // a 300 px square about the figure
  }
  motioncue::Npz npz;
  npz.set("center", motioncue::NpyArray::from_f32({frames, 2}, center));
  npz.set("scale", motioncue::NpyArray::from_f32({frames}, scale));
  motioncue::write_npz(dir / "annotations.npz", npz);
  return dir;
}

}  // namespace

TEST(VideoKeypoints, MoveNetFollowsTheFigureAndTheRefinementReadsTheFile) {
  MOTIONCUE_PRETRAINED_MODEL(model, "movenet-lightning");
  TempDir tmp;
  const auto dir = write_figure_sequence(tmp / "split" / "clip", 3);
  int frames_seen = 0;
  const auto stats = motioncue::infer::detect_video_keypoints(
      motioncue::data::VideoDataset::open(dir), "movenet-lightning", [&] { ++frames_seen; });
  EXPECT_EQ(stats.sequences, 1);
  EXPECT_EQ(stats.frames, 3);
  EXPECT_EQ(frames_seen, 3);
  EXPECT_GT(stats.mean_limb_confidence, 0.2);

  const auto file = motioncue::data::detected_keypoints_file(dir, "movenet-lightning");
  const auto array = motioncue::read_npy(file);
  ASSERT_EQ(array.shape, (std::vector<std::int64_t>{3, 24, 3}));
  const auto kp = array.to_f32();
  for (int t = 0; t < 3; ++t) {
    const float* f = kp.data() + t * 72;
    // the head centre (0.5, 0.17 of the figure) and the ankles (0.94) in frame pixels
    EXPECT_NEAR(f[3 * mb::kKpNose], figure_left(t) + 0.5 * kFigure, 20) << t;
    EXPECT_NEAR(f[3 * mb::kKpNose + 1], kTop + 0.17 * kFigure, 25) << t;
    for (int ankle : {mb::kKpLeftAnkle, mb::kKpRightAnkle})
      EXPECT_NEAR(f[3 * ankle + 1], kTop + 0.94 * kFigure, 30) << t;
    EXPECT_EQ(f[3 * mb::kKpHeadTop + 2], 0.0f);  // no COCO source: confidence 0
    for (int j = 0; j < 24; ++j) {
      EXPECT_GE(f[3 * j + 2], 0.0f);
      EXPECT_LE(f[3 * j + 2], 1.0f);
    }
  }
  auto dataset = motioncue::data::VideoDataset::open(tmp / "split");
  dataset.use_detected_keypoints("movenet-lightning");
  EXPECT_EQ(dataset.annotations(0).keypoints2d_detected, kp);
}

TEST(VideoKeypoints, ABoxOffItsFrameIsRefusedNamingTheSequence) {
  MOTIONCUE_PRETRAINED_MODEL(model, "movenet-lightning");
  TempDir tmp;
  const auto dir = write_figure_sequence(tmp / "clip", 2, 1.5f, true);
  const auto seq = motioncue::data::VideoDataset::open(dir);
  const std::string message = motioncue::testing::error_of(
      [&] { motioncue::infer::detect_video_keypoints(seq, "movenet-lightning"); });
  EXPECT_NE(message.find("annotations.npz"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(motioncue::data::detected_keypoints_file(dir, "movenet-lightning")));
}
