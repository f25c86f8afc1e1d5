#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <torch/torch.h>

#include "../support/error_text.h"
#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/npy.h"
#include "motioncue/data/network_input.h"
#include "motioncue/data/sequence_loader.h"
#include "motioncue/data/video_dataset.h"
#include "tiny_datasets.h"

namespace d = motioncue::data;
namespace g = motioncue::geometry;
namespace mt = motioncue::testing;
using motioncue::Error;

namespace {

using motioncue::testing::contains;
using motioncue::testing::error_of;

}  // namespace

TEST(VideoDataset, OpensSequencesSortedWithTheirAnnotations) {
  mt::TempDir tmp;
  mt::VideoSpec a, b;
  a.frames = 3;
  b.frames = 5;
  b.detected = true;
  mt::write_sequence(tmp / "seq_b", b);
  mt::write_sequence(tmp / "seq_a", a);
  std::filesystem::create_directories(tmp / ".seq_c.partial" / "frames");  // interrupted writer
  const auto ds = d::VideoDataset::open(tmp.path());
  ASSERT_EQ(ds.num_sequences(), 2);
  EXPECT_EQ(ds.sequence_name(0), "seq_a");
  EXPECT_EQ(ds.num_frames(0), 3);
  EXPECT_EQ(ds.num_frames(1), 5);
  EXPECT_EQ(ds.total_frames(), 8);
  EXPECT_TRUE(ds.has_ground_truth());
  EXPECT_TRUE(ds.has_detected_keypoints());
  EXPECT_TRUE(ds.annotations(0).keypoints2d_detected.empty());
  EXPECT_EQ(ds.annotations(1).pose.size(), 5u * 72);
  EXPECT_NEAR(ds.box(1, 2).center.x, 32 + 2 * 2.0, 1e-6);
  EXPECT_NEAR(ds.box(1, 2).scale, 0.16, 1e-6);
  EXPECT_EQ(ds.frame(1, 4).size(), cv::Size(64, 64));
  EXPECT_EQ(ds.frame_path(0, 2), tmp.path() / "seq_a" / "frames" / "000002.png");
  EXPECT_DOUBLE_EQ(ds.fps(0), 30.0);
  EXPECT_THROW(ds.frame(0, 3), Error);
  EXPECT_THROW(ds.box(2, 0), Error);
}

TEST(VideoDataset, UnlabeledSequencesNeedOnlyBoxes) {
  mt::TempDir tmp;
  mt::VideoSpec spec;
  spec.ground_truth = false;
  mt::write_sequence(tmp / "clip", spec);
  const auto ds = d::VideoDataset::open(tmp.path());
  EXPECT_FALSE(ds.has_ground_truth());
  EXPECT_FALSE(ds.has_detected_keypoints());
}

TEST(VideoDataset, EmptySplitOrSequenceFolderNamesTheFolder) {
  mt::TempDir tmp;
  std::string msg = error_of([&] { d::VideoDataset::open(tmp.path()); });
  EXPECT_TRUE(contains(msg, tmp.path().string())) << msg;
  mt::write_sequence(tmp / "good", {});
  std::filesystem::create_directories(tmp / "empty");
  msg = error_of([&] { d::VideoDataset::open(tmp.path()); });
  EXPECT_TRUE(contains(msg, (tmp / "empty").string())) << msg;
  std::filesystem::create_directories(tmp / "empty" / "frames");
  motioncue::write_npz(tmp / "empty" / "annotations.npz", motioncue::Npz{});
  msg = error_of([&] { d::VideoDataset::open(tmp.path()); });
  EXPECT_TRUE(contains(msg, (tmp / "empty" / "frames").string()) && contains(msg, "no frames"))
      << msg;
}

TEST(VideoDataset, FrameCountMismatchNamesTheAnnotations) {
  mt::TempDir tmp;
  mt::write_sequence(tmp / "s", {});  // 4 frames
  std::filesystem::remove(tmp / "s" / "frames" / "000003.png");
  std::string msg = error_of([&] { d::VideoDataset::open(tmp.path()); });
  EXPECT_TRUE(contains(msg, "meta.json")) << msg;  // meta says 4
  std::filesystem::remove(tmp / "s" / "meta.json");
  msg = error_of([&] { d::VideoDataset::open(tmp.path()); });
  EXPECT_TRUE(contains(msg, (tmp / "s" / "annotations.npz").string())) << msg;
  EXPECT_TRUE(contains(msg, "3 frames") && contains(msg, "4 rows")) << msg;
}

TEST(VideoDataset, GapInFrameNumbersNamesTheMissingFrame) {
  mt::TempDir tmp;
  mt::write_sequence(tmp / "s", {});
  std::filesystem::remove(tmp / "s" / "frames" / "000001.png");
  const std::string msg = error_of([&] { d::VideoDataset::open(tmp.path()); });
  EXPECT_TRUE(contains(msg, "000001.png")) << msg;
}

// A NaN box centre used to crop nothing and the flow verb cached all-zero flows for it.
TEST(VideoDataset, ANonFiniteBoxCentreNamesTheFrame) {
  mt::TempDir tmp;
  mt::write_sequence(tmp / "s", {});
  auto npz = motioncue::read_npz(tmp / "s" / "annotations.npz");
  auto center = npz.at("center").to_f32();
  center[2 * 2] = NAN;
  npz.set("center", motioncue::NpyArray::from_f32({4, 2}, center));
  motioncue::write_npz(tmp / "s" / "annotations.npz", npz);
  const std::string msg = error_of([&] { d::VideoDataset::open(tmp.path()); });
  EXPECT_TRUE(contains(msg, "center") && contains(msg, "frame 2")) << msg;
}

TEST(VideoDataset, WrongShapeOfAnOptionalKeyNamesIt) {
  mt::TempDir tmp;
  mt::write_sequence(tmp / "s", {});
  auto npz = motioncue::read_npz(tmp / "s" / "annotations.npz");
  npz.set("joints3d", motioncue::NpyArray::from_f32({4, 14, 3}, std::vector<float>(4 * 14 * 3)));
  motioncue::write_npz(tmp / "s" / "annotations.npz", npz);
  const std::string msg = error_of([&] { d::VideoDataset::open(tmp.path()); });
  EXPECT_TRUE(contains(msg, "joints3d") && contains(msg, "annotations.npz")) << msg;
}

namespace {

// Renames frame t of a sequence written by write_sequence to name(t), re-encoding it when the
// extension changes.
template <class Name>
void rename_frames(const std::filesystem::path& seq, int frames, Name name) {
  for (int t = 0; t < frames; ++t) {
    const auto from = seq / "frames" / mt::frame_name(t), to = seq / "frames" / name(t);
    cv::imwrite(to.string(), cv::imread(from.string()));
    std::filesystem::remove(from);
  }
}

}  // namespace

// The folders `motioncue flow --data` always took: JPEG frames with any names, in name order.
TEST(VideoDataset, JpegFramesWithAnyNamesInNameOrder) {
  mt::TempDir tmp;
  mt::write_sequence(tmp / "s", {});  // 4 frames
  std::vector<cv::Mat> pngs;
  for (int t = 0; t < 4; ++t)
    pngs.push_back(cv::imread((tmp / "s" / "frames" / mt::frame_name(t)).string()));
  rename_frames(tmp / "s", 4, [](int t) { return std::string("shot_") + char('a' + t) + ".JPG"; });
  const auto ds = d::VideoDataset::open(tmp.path());
  ASSERT_EQ(ds.num_frames(0), 4);
  EXPECT_EQ(ds.frame_path(0, 2).filename(), "shot_c.JPG");
  // Through JPEG's loss, frame 2 is still the image nearest the third PNG.
  std::vector<double> distance;
  for (const auto& png : pngs) distance.push_back(cv::norm(ds.frame(0, 2), png, cv::NORM_L1));
  EXPECT_EQ(std::min_element(distance.begin(), distance.end()) - distance.begin(), 2);
}

// ffmpeg numbers from 1 and other tools without zeros: numbered frames go by number, from any
// start, and may not skip one or repeat one.
TEST(VideoDataset, NumberedFramesGoByNumberWithoutGapsOrRepeats) {
  mt::TempDir tmp;
  mt::VideoSpec spec;
  spec.frames = 11;
  mt::write_sequence(tmp / "s", spec);
  rename_frames(tmp / "s", 11, [](int t) { return std::to_string(t + 1) + ".png"; });
  const auto ds = d::VideoDataset::open(tmp.path());
  ASSERT_EQ(ds.num_frames(0), 11);
  EXPECT_EQ(ds.frame_path(0, 1).filename(), "2.png");
  EXPECT_EQ(ds.frame_path(0, 9).filename(), "10.png");
  EXPECT_EQ(ds.frame_path(0, 10).filename(), "11.png");

  std::filesystem::copy_file(tmp / "s" / "frames" / "3.png", tmp / "s" / "frames" / "03.jpg");
  std::string msg = error_of([&] { d::VideoDataset::open(tmp.path()); });
  EXPECT_TRUE(contains(msg, "frames/03.jpg") || contains(msg, "frames/3.png")) << msg;
  EXPECT_TRUE(contains(msg, "same number")) << msg;
  std::filesystem::remove(tmp / "s" / "frames" / "03.jpg");
  std::filesystem::remove(tmp / "s" / "frames" / "7.png");
  msg = error_of([&] { d::VideoDataset::open(tmp.path()); });
  EXPECT_TRUE(contains(msg, (tmp / "s" / "frames" / "7.png").string())) << msg;
}

// Sequences at any depth, named by their path below the folder opened; a sequence folder opens
// as a set of one.
TEST(VideoDataset, NestedSequencesAndOneSequenceFolder) {
  mt::TempDir tmp;
  mt::write_sequence(tmp / "walk" / "a", {});
  mt::write_sequence(tmp / "run" / "b", {});
  std::filesystem::create_directories(tmp / ".flow_cache" / "ab");
  const auto ds = d::VideoDataset::open(tmp.path());
  ASSERT_EQ(ds.num_sequences(), 2);
  EXPECT_EQ(ds.sequence_name(0), "run/b");
  EXPECT_EQ(ds.sequence_name(1), "walk/a");
  const auto one = d::VideoDataset::open((tmp / "walk" / "a").string() + "/");
  ASSERT_EQ(one.num_sequences(), 1);
  EXPECT_EQ(one.sequence_name(0), "a");
  EXPECT_EQ(one.num_frames(0), 4);
}

TEST(SequenceLoader, EveryFrameInOrderCroppedByItsOwnBox) {
  mt::TempDir tmp;
  mt::VideoSpec a, b;
  a.frames = 3;
  b.frames = 2;
  mt::write_sequence(tmp / "a", a);
  mt::write_sequence(tmp / "b", b);
  const auto ds = d::VideoDataset::open(tmp.path());
  d::SequenceLoader loader(ds, 32, 4);
  d::FrameBatch batch;
  ASSERT_TRUE(loader.next(batch));
  EXPECT_EQ(batch.seq, (std::vector<int64_t>{0, 0, 0, 1}));
  EXPECT_EQ(batch.frame, (std::vector<int64_t>{0, 1, 2, 0}));
  EXPECT_EQ(batch.images.sizes(), (std::vector<int64_t>{4, 3, 32, 32}));
  EXPECT_EQ(batch.gt_keypoints3d.sizes(), (std::vector<int64_t>{4, 24, 3}));
  EXPECT_EQ(batch.gt_pose.sizes(), (std::vector<int64_t>{4, 72}));
  EXPECT_EQ(batch.gt_betas.sizes(), (std::vector<int64_t>{4, 10}));
  EXPECT_FLOAT_EQ(batch.gt_keypoints3d[2][5][1].item<float>(), 0.1f + 2);
  EXPECT_FLOAT_EQ(batch.gt_pose[1][3].item<float>(), 0.04f);
  const at::Tensor expect = d::to_network_input(g::crop_image(ds.frame(0, 2), ds.box(0, 2), 32));
  EXPECT_TRUE(torch::equal(batch.images[2], expect));
  ASSERT_TRUE(loader.next(batch));
  EXPECT_EQ(batch.seq, (std::vector<int64_t>{1}));
  EXPECT_EQ(batch.frame, (std::vector<int64_t>{1}));
  EXPECT_FALSE(loader.next(batch));
  loader.reset();
  ASSERT_TRUE(loader.next(batch));
  EXPECT_EQ(batch.frame.size(), 4u);
}

TEST(VideoDataset, DetectorKeypointsFromAModelReplaceTheAnnotations) {
  mt::TempDir tmp;
  mt::VideoSpec spec;
  spec.frames = 3;
  spec.detected = true;
  mt::write_sequence(tmp / "clip", spec);
  auto ds = d::VideoDataset::open(tmp.path());
  ds.use_detected_keypoints("annotations");  // keeps annotations.npz's
  EXPECT_FLOAT_EQ(ds.annotations(0).keypoints2d_detected[2], 0.9f);

  // Missing: the error names the file and says how to make it.
  const auto file = d::detected_keypoints_file(tmp / "clip", "movenet-thunder");
  EXPECT_EQ(file, tmp / "clip" / "keypoints" / "movenet-thunder.npy");
  std::string msg = error_of([&] { ds.use_detected_keypoints("movenet-thunder"); });
  EXPECT_TRUE(contains(msg, file.string())) << msg;
  EXPECT_TRUE(contains(msg, "motioncue flow --data")) << msg;

  std::filesystem::create_directories(file.parent_path());
  std::vector<float> values(3 * 24 * 3, 0.5f);
  motioncue::write_npy(
      file, motioncue::NpyArray::from_f32({2, 24, 3}, {values.begin(), values.begin() + 144}));
  msg = error_of([&] { ds.use_detected_keypoints("movenet-thunder"); });
  EXPECT_TRUE(contains(msg, file.string()) && contains(msg, "(3, 24, 3)")) << msg;

  values[3 * 24 + 2] = 1.5f;  // frame 1, keypoint 0: a confidence above 1
  motioncue::write_npy(file, motioncue::NpyArray::from_f32({3, 24, 3}, values));
  msg = error_of([&] { ds.use_detected_keypoints("movenet-thunder"); });
  EXPECT_TRUE(contains(msg, file.string()) && contains(msg, "frame 1, keypoint 0")) << msg;
  values[3 * 24 + 2] = 0.25f;
  values[5] = std::nanf("");
  motioncue::write_npy(file, motioncue::NpyArray::from_f32({3, 24, 3}, values));
  msg = error_of([&] { ds.use_detected_keypoints("movenet-thunder"); });
  EXPECT_TRUE(contains(msg, "frame 0, keypoint 1")) << msg;
  // A failed read leaves the dataset as it was.
  EXPECT_FLOAT_EQ(ds.annotations(0).keypoints2d_detected[2], 0.9f);

  values[5] = 0.75f;
  motioncue::write_npy(file, motioncue::NpyArray::from_f32({3, 24, 3}, values));
  ds.use_detected_keypoints("movenet-thunder");
  EXPECT_FLOAT_EQ(ds.annotations(0).keypoints2d_detected[2], 0.5f);
  EXPECT_FLOAT_EQ(ds.annotations(0).keypoints2d_detected[5], 0.75f);
  EXPECT_FLOAT_EQ(ds.annotations(0).keypoints2d_detected[3 * 24 + 2], 0.25f);
}
