#include <gtest/gtest.h>

#include <algorithm>

#include "../support/error_text.h"
#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/data/labeled_dataset.h"
#include "tiny_datasets.h"

namespace d = motioncue::data;
namespace mt = motioncue::testing;
using motioncue::Error;

namespace {

using motioncue::testing::contains;
using motioncue::testing::error_of;

}  // namespace

TEST(LabeledDataset, OpensAndExposesRows) {
  mt::TempDir tmp;
  mt::LabeledSpec spec;
  const auto npz = mt::labeled_arrays(spec, mt::image_names(spec.n));
  const auto file = mt::write_labeled(tmp.path(), npz);
  const auto ds = d::LabeledDataset::open(file);
  EXPECT_EQ(ds.size(), 6);
  EXPECT_EQ(ds.image_path(2), tmp.path() / "images/img_2.png");
  const cv::Mat img = ds.image(2);
  EXPECT_EQ(img.cols, 96);
  EXPECT_EQ(img.rows, 80);
  const auto center = npz.at("center").to_f64();
  EXPECT_NEAR(ds.box(1).center.x, center[2], 1e-6);
  EXPECT_EQ(ds.keypoints2d(1)[3], npz.at("part").to_f32()[72 + 3]);
  EXPECT_EQ(ds.keypoints3d(1)[5], npz.at("S").to_f32()[96 + 5]);
  EXPECT_EQ(ds.pose(4)[71], npz.at("pose").to_f32()[4 * 72 + 71]);
  EXPECT_EQ(ds.betas(4)[9], npz.at("shape").to_f32()[49]);
  EXPECT_TRUE(ds.has_smpl(1));
  EXPECT_FALSE(ds.has_smpl(2));
  EXPECT_THROW(ds.box(6), Error);
}

TEST(LabeledDataset, SeededSubsetsAreNested) {
  mt::TempDir tmp;
  mt::LabeledSpec spec;
  spec.n = 40;
  const auto ds = d::LabeledDataset::open(
      mt::write_labeled(tmp.path(), mt::labeled_arrays(spec, mt::image_names(40))));
  ASSERT_FALSE(ds.has_subset_rank());
  const auto s5 = ds.subset(5, 3), s10 = ds.subset(10, 3), s20 = ds.subset(20, 3);
  EXPECT_EQ(s5.size(), 5u);
  EXPECT_TRUE(std::includes(s10.begin(), s10.end(), s5.begin(), s5.end()));
  EXPECT_TRUE(std::includes(s20.begin(), s20.end(), s10.begin(), s10.end()));
  EXPECT_EQ(ds.subset(10, 3), s10);  // same seed, same subset
  EXPECT_NE(ds.subset(10, 4), s10);  // another seed, another subset
  EXPECT_EQ(ds.subset(40, 9).size(), 40u);
  EXPECT_THROW(ds.subset(0, 1), Error);
  EXPECT_THROW(ds.subset(41, 1), Error);
}

TEST(LabeledDataset, SubsetRankDefinesTheSubsets) {
  mt::TempDir tmp;
  mt::LabeledSpec spec;
  spec.subset_rank = true;  // rank[i] = (5 i + 3) % 6: ranks 3 2 1 0 5 4
  const auto ds = d::LabeledDataset::open(
      mt::write_labeled(tmp.path(), mt::labeled_arrays(spec, mt::image_names(6))));
  ASSERT_TRUE(ds.has_subset_rank());
  EXPECT_EQ(ds.subset(1, 0), (std::vector<int64_t>{3}));
  EXPECT_EQ(ds.subset(3, 0), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(ds.subset(3, 99), (std::vector<int64_t>{1, 2, 3}));
}

TEST(LabeledDataset, MissingKeyNamesFileAndKey) {
  mt::TempDir tmp;
  auto npz = mt::labeled_arrays({}, mt::image_names(6));
  motioncue::Npz without;
  for (const auto& k : npz.keys())
    if (k != "center") without.set(k, npz.at(k));
  const auto file = mt::write_labeled(tmp.path(), without);
  const std::string msg = error_of([&] { d::LabeledDataset::open(file); });
  EXPECT_TRUE(contains(msg, file.string())) << msg;
  EXPECT_TRUE(contains(msg, "center")) << msg;
}

// SPIN's archives differ in what they carry (COCO: 2D only; COCO-EFT: 2D and fitted SMPL without
// has_smpl; Human3.6M: 2D and 3D), and some carry keys motioncue does not use.
TEST(LabeledDataset, SpinArchivesMayLackThreeDOrSmplLabels) {
  mt::TempDir tmp;
  const auto full = mt::labeled_arrays({}, mt::image_names(6));
  auto keep = [&](std::initializer_list<const char*> dropped) {
    motioncue::Npz z;
    for (const auto& k : full.keys())
      if (std::none_of(dropped.begin(), dropped.end(), [&](const char* d) { return k == d; }))
        z.set(k, full.at(k));
    z.set("openpose", motioncue::NpyArray::from_f32({6, 25, 3}, std::vector<float>(450, 0.5f)));
    return d::LabeledDataset::open(mt::write_labeled(tmp.path(), z));
  };
  const auto coco = keep({"S", "pose", "shape", "has_smpl"});
  for (int64_t i = 0; i < coco.size(); ++i) {
    EXPECT_FALSE(coco.has_smpl(i));
    for (int j = 0; j < 24; ++j) EXPECT_EQ(coco.keypoints3d(i)[4 * j + 3], 0.0f);
  }
  const auto eft = keep({"S", "has_smpl"});
  EXPECT_TRUE(eft.has_smpl(2));  // row 2 has no SMPL in the full archive's has_smpl
  EXPECT_EQ(eft.pose(4)[71], full.at("pose").to_f32()[4 * 72 + 71]);
  const auto h36m = keep({"pose", "shape", "has_smpl"});
  EXPECT_FALSE(h36m.has_smpl(1));
  EXPECT_EQ(h36m.keypoints3d(1)[5], full.at("S").to_f32()[96 + 5]);
}

TEST(LabeledDataset, WrongShapeNamesFileAndKey) {
  mt::TempDir tmp;
  auto npz = mt::labeled_arrays({}, mt::image_names(6));
  npz.set("part", motioncue::NpyArray::from_f32({6, 14, 3}, std::vector<float>(6 * 14 * 3, 1.f)));
  const auto file = mt::write_labeled(tmp.path(), npz);
  const std::string msg = error_of([&] { d::LabeledDataset::open(file); });
  EXPECT_TRUE(contains(msg, file.string())) << msg;
  EXPECT_TRUE(contains(msg, "part")) << msg;

  npz = mt::labeled_arrays({}, mt::image_names(6));
  npz.set("scale", motioncue::NpyArray::from_f32({5}, std::vector<float>(5, 1.f)));  // N - 1
  mt::write_labeled(tmp.path(), npz);
  const std::string msg2 = error_of([&] { d::LabeledDataset::open(file); });
  EXPECT_TRUE(contains(msg2, "scale")) << msg2;
}

TEST(LabeledDataset, MissingImageNamesTheImageFile) {
  mt::TempDir tmp;
  const auto file = mt::write_labeled(tmp.path(), mt::labeled_arrays({}, mt::image_names(6)));
  std::filesystem::remove(tmp.path() / "images/img_4.png");
  const std::string msg = error_of([&] { d::LabeledDataset::open(file); });
  EXPECT_TRUE(contains(msg, "img_4.png")) << msg;
}

TEST(LabeledDataset, NonPositiveScaleIsRejected) {
  mt::TempDir tmp;
  auto npz = mt::labeled_arrays({}, mt::image_names(6));
  npz.set("scale", motioncue::NpyArray::from_f32({6}, {0.3f, 0.3f, 0.f, 0.3f, 0.3f, 0.3f}));
  const auto file = mt::write_labeled(tmp.path(), npz);
  const std::string msg = error_of([&] { d::LabeledDataset::open(file); });
  EXPECT_TRUE(contains(msg, "scale") && contains(msg, "row 2")) << msg;
}
