#include <gtest/gtest.h>

#include <torch/torch.h>

#include <opencv2/calib3d.hpp>

#include <set>

#include "../support/temp_dir.h"
#include "motioncue/body/joint_sets.h"
#include "motioncue/core/error.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/data/network_input.h"
#include "motioncue/data/rng.h"
#include "motioncue/geometry/crop.h"
#include "tiny_datasets.h"

namespace d = motioncue::data;
namespace g = motioncue::geometry;
namespace mt = motioncue::testing;

namespace {

constexpr double kFocal = 100.0;  // orthographic: part = centre + kFocal * (X, Y)
const cv::Point2d kCentre(60, 50);
const cv::Vec3d kBodyVector(0.3, -0.1, 0.2);

// One image with three coloured blobs at keypoints 0 (red), 6 (green) and 9 (blue); the 2D
// keypoints are the orthographic projection of the 3D ones; 3D keypoint 23 is the global
// orientation applied to kBodyVector.
std::filesystem::path write_pattern(const std::filesystem::path& dir, cv::Vec3d& global_aa) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-0.25, 0.25);
  global_aa = {2.8, 0.4, -0.3};
  cv::Matx33d rg;
  cv::Rodrigues(global_aa, rg);
  std::vector<float> part, S, pose(72, 0.f), shape(10, 0.5f);
  for (int j = 0; j < 24; ++j) {
    cv::Vec3d x(u(rng), u(rng), 3.0 + u(rng));
    if (j == 23) x = rg * kBodyVector;
    S.insert(S.end(), {float(x[0]), float(x[1]), float(x[2]), j == 4 ? 0.f : 1.f});
    part.insert(part.end(), {float(kCentre.x + kFocal * x[0]), float(kCentre.y + kFocal * x[1]),
                             j == 4 ? 0.f : 1.f});
  }
  for (int k = 0; k < 3; ++k) pose[k] = static_cast<float>(global_aa[k]);
  for (int k = 3; k < 72; ++k) pose[k] = 0.05f * static_cast<float>(k % 7);
  cv::Mat img = cv::Mat::zeros(100, 120, CV_8UC3);
  const std::pair<int, cv::Scalar> blobs[] = {{0, {0, 0, 255}}, {6, {0, 255, 0}}, {9, {255, 0, 0}}};
  for (const auto& [j, colour] : blobs)
    // OpenCV draws with pixel centres at integers; ours are at j + 0.5.
    cv::circle(img,
               cv::Point(cvRound((part[3 * j] - 0.5) * 16), cvRound((part[3 * j + 1] - 0.5) * 16)),
               2 * 16, colour, cv::FILLED, cv::LINE_AA, 4);
  std::filesystem::create_directories(dir);
  cv::imwrite((dir / "pattern.png").string(), img);
  motioncue::Npz npz;
  npz.set("imgname", motioncue::NpyArray::from_strings({1}, {"pattern.png"}));
  npz.set("center", motioncue::NpyArray::from_f32({1, 2}, {float(kCentre.x), float(kCentre.y)}));
  npz.set("scale", motioncue::NpyArray::from_f32({1}, {0.5f}));
  npz.set("part", motioncue::NpyArray::from_f32({1, 24, 3}, part));
  npz.set("S", motioncue::NpyArray::from_f32({1, 24, 4}, S));
  npz.set("pose", motioncue::NpyArray::from_f32({1, 72}, pose));
  npz.set("shape", motioncue::NpyArray::from_f32({1, 10}, shape));
  npz.set("has_smpl", motioncue::NpyArray::from_f32({1}, {1.f}));
  motioncue::write_npz(dir / "annotations.npz", npz);
  return dir / "annotations.npz";
}

// Intensity-weighted centroid (crop pixels, centres at j + 0.5) of one RGB channel.
cv::Point2d centroid(const at::Tensor& normalised, int channel) {
  const at::Tensor img = (normalised[channel] * d::kImageStd[channel] + d::kImageMean[channel]);
  const auto r = img.size(0);
  const at::Tensor ys = torch::arange(r, torch::kFloat32).view({r, 1}) + 0.5;
  const at::Tensor xs = torch::arange(r, torch::kFloat32).view({1, r}) + 0.5;
  const double w = img.sum().item<double>();
  return {(img * xs).sum().item<double>() / w, (img * ys).sum().item<double>() / w};
}

cv::Point2d to_pixels(const at::Tensor& kp2d, int j, int r) {
  return {(kp2d[j][0].item<double>() + 1) / 2 * r, (kp2d[j][1].item<double>() + 1) / 2 * r};
}

}  // namespace

TEST(LabeledSample, ImageKeypointsPoseAndThreeDStayConsistentUnderAugmentation) {
  mt::TempDir tmp;
  cv::Vec3d global_aa;
  const auto ds = d::LabeledDataset::open(write_pattern(tmp.path(), global_aa));
  const int r = 64;
  const auto& perm = motioncue::body::flip_keypoint_permutation();
  std::vector<d::AugmentParams> cases(5);
  cases[1].flip = true;
  cases[2].rotation_deg = 30;
  cases[3].rotation_deg = -45, cases[3].scale = 1.2;
  cases[4].flip = true, cases[4].rotation_deg = 25, cases[4].scale = 0.8;
  for (const auto& aug : cases) {
    SCOPED_TRACE("flip " + std::to_string(aug.flip) + " rot " + std::to_string(aug.rotation_deg));
    const d::LabeledSample s = d::load_labeled_sample(ds, 0, r, aug);
    ASSERT_EQ(s.keypoints2d.sizes(), (std::vector<int64_t>{24, 3}));
    auto dst = [&](int j) { return aug.flip ? perm[j] : j; };
    // The blob of keypoint j is where keypoints2d says keypoint dst(j) is.
    const std::pair<int, int> blobs[] = {{0, 0}, {6, 1}, {9, 2}};
    for (const auto& [j, channel] : blobs) {
      const cv::Point2d c = centroid(s.image, channel), k = to_pixels(s.keypoints2d, dst(j), r);
      EXPECT_NEAR(c.x, k.x, 0.3) << "keypoint " << j;
      EXPECT_NEAR(c.y, k.y, 0.3) << "keypoint " << j;
    }
    // Orthographic camera: the crop position of each keypoint is the projection of its 3D point.
    const double zoom = r / (200.0 * 0.5 * aug.scale) * kFocal;
    for (int j = 0; j < 24; ++j) {
      EXPECT_NEAR(s.keypoints2d[j][0].item<double>() * r / 2,
                  zoom * s.keypoints3d[j][0].item<double>(), 1e-3);
      EXPECT_NEAR(s.keypoints2d[j][1].item<double>() * r / 2,
                  zoom * s.keypoints3d[j][1].item<double>(), 1e-3);
    }
    EXPECT_EQ(s.keypoints2d[dst(4)][2].item<float>(), 0.f);
    EXPECT_EQ(s.keypoints3d[dst(4)][3].item<float>(), 0.f);
    EXPECT_EQ(s.keypoints2d[dst(5)][2].item<float>(), 1.f);
    // The global orientation turned (and mirrored) like the 3D keypoints: keypoint 23 was
    // R_global * v, so it must now be R_global' * v (v mirrored when flipped).
    cv::Matx33d rg;
    cv::Rodrigues(
        cv::Vec3d(s.pose[0].item<double>(), s.pose[1].item<double>(), s.pose[2].item<double>()),
        rg);
    cv::Vec3d v = kBodyVector;
    if (aug.flip) v[0] = -v[0];
    const cv::Vec3d expect = rg * v;
    for (int k = 0; k < 3; ++k)
      EXPECT_NEAR(s.keypoints3d[dst(23)][k].item<double>(), expect[k], 1e-5);
    // Body joints other than the root are untouched by rotation, mirrored by flip.
    const at::Tensor base = torch::from_blob(const_cast<float*>(ds.pose(0)), {1, 72}).clone();
    const at::Tensor body = aug.flip ? motioncue::body::flip_pose(base)[0] : base[0];
    EXPECT_TRUE(torch::allclose(s.pose.slice(0, 3), body.slice(0, 3)));
  }
}

TEST(LabeledSample, FlipPermutesKeypointsAndMirrorsU) {
  mt::TempDir tmp;
  cv::Vec3d aa;
  const auto ds = d::LabeledDataset::open(write_pattern(tmp.path(), aa));
  d::AugmentParams flip;
  flip.flip = true;
  const auto a = d::load_labeled_sample(ds, 0, 48, {});
  const auto b = d::load_labeled_sample(ds, 0, 48, flip);
  const auto& perm = motioncue::body::flip_keypoint_permutation();
  EXPECT_EQ(perm[0], 5);  // right ankle <-> left ankle
  for (int j = 0; j < 24; ++j) {
    EXPECT_NEAR(b.keypoints2d[perm[j]][0].item<float>(), -a.keypoints2d[j][0].item<float>(), 1e-6);
    EXPECT_NEAR(b.keypoints2d[perm[j]][1].item<float>(), a.keypoints2d[j][1].item<float>(), 1e-6);
    EXPECT_EQ(b.keypoints2d[perm[j]][2].item<float>(), a.keypoints2d[j][2].item<float>());
    EXPECT_NEAR(b.keypoints3d[perm[j]][0].item<float>(), -a.keypoints3d[j][0].item<float>(), 1e-6);
    EXPECT_NEAR(b.keypoints3d[perm[j]][2].item<float>(), a.keypoints3d[j][2].item<float>(), 1e-6);
  }
  // The image is mirrored: column x of one is column R - 1 - x of the other.
  EXPECT_TRUE(torch::equal(a.image, b.image.flip({2})));
}

TEST(LabeledLoader, UnaugmentedKeypointsFollowCropAffine) {
  mt::TempDir tmp;
  const auto file = mt::write_labeled(tmp.path(), mt::labeled_arrays({}, mt::image_names(6)));
  const auto ds = d::LabeledDataset::open(file);
  const d::LabeledBatch b = d::load_labeled(ds, {4, 1}, 40);
  ASSERT_EQ(b.images.sizes(), (std::vector<int64_t>{2, 3, 40, 40}));
  EXPECT_EQ(b.indices, (std::vector<int64_t>{4, 1}));
  const auto affine = g::crop_affine(ds.box(4), 40);
  for (int j = 0; j < 24; ++j) {
    const auto p =
        g::apply_affine(affine, {ds.keypoints2d(4)[3 * j], ds.keypoints2d(4)[3 * j + 1]});
    EXPECT_NEAR(b.keypoints2d[0][j][0].item<double>(), 2 * p.x / 40 - 1, 1e-5);
    EXPECT_NEAR(b.keypoints2d[0][j][1].item<double>(), 2 * p.y / 40 - 1, 1e-5);
    EXPECT_EQ(b.keypoints2d[0][j][2].item<float>(), ds.keypoints2d(4)[3 * j + 2]);
    EXPECT_EQ(b.keypoints3d[0][j][1].item<float>(), ds.keypoints3d(4)[4 * j + 1]);
  }
  const at::Tensor expect = d::to_network_input(g::crop_image(ds.image(4), ds.box(4), 40));
  EXPECT_TRUE(torch::equal(b.images[0], expect));
  EXPECT_EQ(b.pose[1][7].item<float>(), ds.pose(1)[7]);
  EXPECT_EQ(b.betas[0][3].item<float>(), ds.betas(4)[3]);
}

TEST(LabeledLoader, BatchShapesAndEpochCoverage) {
  mt::TempDir tmp;
  const auto ds = d::LabeledDataset::open(
      mt::write_labeled(tmp.path(), mt::labeled_arrays({}, mt::image_names(6))));
  const std::vector<int64_t> subset = {0, 2, 3, 5};
  d::LabeledLoader loader(ds, subset, 2, 32, d::Augmentation{}, 11, 2);
  const auto b = loader.next();
  EXPECT_EQ(b.images.sizes(), (std::vector<int64_t>{2, 3, 32, 32}));
  EXPECT_EQ(b.keypoints2d.sizes(), (std::vector<int64_t>{2, 24, 3}));
  EXPECT_EQ(b.keypoints3d.sizes(), (std::vector<int64_t>{2, 24, 4}));
  EXPECT_EQ(b.pose.sizes(), (std::vector<int64_t>{2, 72}));
  EXPECT_EQ(b.betas.sizes(), (std::vector<int64_t>{2, 10}));
  EXPECT_EQ(b.has_smpl.sizes(), (std::vector<int64_t>{2}));
  EXPECT_EQ(b.images.scalar_type(), torch::kFloat32);
  // One epoch (two batches) visits every index of the subset once.
  std::multiset<int64_t> seen(b.indices.begin(), b.indices.end());
  for (auto i : loader.next().indices) seen.insert(i);
  EXPECT_EQ(seen, std::multiset<int64_t>(subset.begin(), subset.end()));
  for (int k = 0; k < 5; ++k)
    for (auto i : loader.next().indices)
      EXPECT_TRUE(std::count(subset.begin(), subset.end(), i)) << i;
  EXPECT_THROW(d::LabeledLoader(ds, {}, 2, 32, {}, 1), motioncue::Error);
  EXPECT_THROW(d::LabeledLoader(ds, {7}, 2, 32, {}, 1), motioncue::Error);
}

TEST(LabeledLoader, SameSeedSameBatchesWhateverTheWorkers) {
  mt::TempDir tmp;
  const auto ds = d::LabeledDataset::open(
      mt::write_labeled(tmp.path(), mt::labeled_arrays({}, mt::image_names(6))));
  const std::vector<int64_t> all = {0, 1, 2, 3, 4, 5};
  d::LabeledLoader a(ds, all, 4, 32, {}, 5, 2), b(ds, all, 4, 32, {}, 5, 2),
      c(ds, all, 4, 32, {}, 5, 0), other(ds, all, 4, 32, {}, 6, 2);
  bool differs = false;
  for (int k = 0; k < 4; ++k) {
    const auto x = a.next(), y = b.next(), z = c.next(), w = other.next();
    for (const auto* o : {&y, &z}) {
      EXPECT_EQ(x.indices, o->indices);
      EXPECT_TRUE(torch::equal(x.images, o->images));
      EXPECT_TRUE(torch::equal(x.keypoints2d, o->keypoints2d));
      EXPECT_TRUE(torch::equal(x.keypoints3d, o->keypoints3d));
      EXPECT_TRUE(torch::equal(x.pose, o->pose));
    }
    differs = differs || x.indices != w.indices || !torch::equal(x.images, w.images);
  }
  EXPECT_TRUE(differs);
}

TEST(LabeledLoader, StartingAtABatchContinuesTheSameStream) {
  mt::TempDir tmp;
  const auto ds = d::LabeledDataset::open(
      mt::write_labeled(tmp.path(), mt::labeled_arrays({}, mt::image_names(6))));
  const std::vector<int64_t> all = {0, 1, 2, 3, 4};  // 5 of 6: epochs end inside batches
  d::LabeledLoader from_start(ds, all, 3, 32, {}, 9, 1), resumed(ds, all, 3, 32, {}, 9, 2, 3);
  for (int k = 0; k < 3; ++k) from_start.next();
  for (int k = 0; k < 3; ++k) {
    const auto x = from_start.next(), y = resumed.next();
    EXPECT_EQ(x.indices, y.indices);
    EXPECT_TRUE(torch::equal(x.images, y.images));
    EXPECT_TRUE(torch::equal(x.pose, y.pose));
  }
  EXPECT_THROW(d::LabeledLoader(ds, all, 3, 32, {}, 9, 1, -1), motioncue::Error);
}

TEST(Augmentation, DrawsFollowTheSettings) {
  d::Augmentation aug;
  d::Rng rng(1);
  int flips = 0, unrotated = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    const auto p = d::sample_augmentation(aug, rng);
    flips += p.flip;
    unrotated += p.rotation_deg == 0.0;
    EXPECT_LE(std::abs(p.rotation_deg), 60.0);
    EXPECT_GE(p.scale, 0.75);
    EXPECT_LE(p.scale, 1.25);
    for (float gain : p.gains) EXPECT_TRUE(gain >= 0.6f && gain <= 1.4f);
  }
  EXPECT_NEAR(flips / double(n), 0.5, 0.03);
  EXPECT_NEAR(unrotated / double(n), 0.6, 0.03);
  aug.enabled = false;
  const auto off = d::sample_augmentation(aug, rng);
  EXPECT_FALSE(off.flip);
  EXPECT_EQ(off.rotation_deg, 0.0);
  EXPECT_EQ(off.scale, 1.0);
  aug.enabled = true;
  aug.flip_prob = 1.5;
  EXPECT_THROW(d::validate(aug), motioncue::Error);
}

TEST(Augmentation, StrengthScalesSpinsRangesAboutTheIdentity) {
  const d::Augmentation spin, mild = d::scaled_augmentation(0.5), off = d::scaled_augmentation(0);
  EXPECT_EQ(d::scaled_augmentation(1).rot_sigma_deg, spin.rot_sigma_deg);
  EXPECT_DOUBLE_EQ(mild.rot_clip_deg, spin.rot_clip_deg / 2);
  EXPECT_DOUBLE_EQ(mild.scale_min, 1 - (1 - spin.scale_min) / 2);
  EXPECT_DOUBLE_EQ(mild.gain_max, 1 + (spin.gain_max - 1) / 2);
  EXPECT_EQ(mild.flip_prob, spin.flip_prob);
  d::Rng rng(3);
  for (int i = 0; i < 200; ++i) {
    const auto p = d::sample_augmentation(off, rng);
    EXPECT_EQ(p.rotation_deg, 0.0);
    EXPECT_EQ(p.scale, 1.0);
    for (float g : p.gains) EXPECT_EQ(g, 1.0f);
  }
  EXPECT_THROW(d::scaled_augmentation(-0.1), motioncue::Error);
  EXPECT_THROW(d::scaled_augmentation(2.5), motioncue::Error);
}
