#include <gtest/gtest.h>

#include <torch/torch.h>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/network_input.h"
#include "motioncue/data/pair_sampler.h"
#include "motioncue/geometry/crop.h"
#include "tiny_datasets.h"

namespace d = motioncue::data;
namespace g = motioncue::geometry;
namespace mt = motioncue::testing;

namespace {

// Median of the x or y flow over the central half of the crop (away from the wrapped borders).
double central_median(const at::Tensor& flow, int component) {
  const auto r = flow.size(-1);
  return flow[component]
      .slice(0, r / 4, 3 * r / 4)
      .slice(1, r / 4, 3 * r / 4)
      .median()
      .item<double>();
}

}  // namespace

TEST(PairLoader, BothFramesUseFrameTBoxAndFlowPointsAlongTheMotion) {
  mt::TempDir tmp;
  mt::VideoSpec spec;  // texture moving right 2 px per frame; boxes follow it
  spec.frames = 5;
  mt::write_sequence(tmp / "split" / "s0", spec);
  const auto ds = d::VideoDataset::open(tmp / "split");
  const int r = 64;  // box side 64 px -> zoom 2: 2 px motion = 4 crop px
  d::PairLoader loader(ds, 3, r, 1, "farneback", "", true, 7, 2);
  EXPECT_EQ(loader.num_pairs(), 4);
  const d::PairBatch b = loader.next();
  ASSERT_EQ(b.images1.sizes(), (std::vector<int64_t>{3, 3, r, r}));
  ASSERT_EQ(b.clean2.sizes(), (std::vector<int64_t>{3, 3, r, r}));
  ASSERT_EQ(b.flow_fw.sizes(), (std::vector<int64_t>{3, 2, r, r}));
  ASSERT_EQ(b.flow_bw.sizes(), (std::vector<int64_t>{3, 2, r, r}));
  EXPECT_FALSE(b.keypoints1.defined());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(b.t2[i], b.t1[i] + 1);
    const auto box = ds.box(b.seq[i], b.t1[i]);
    const cv::Mat frame2 = ds.frame(b.seq[i], b.t2[i]);
    EXPECT_TRUE(torch::equal(b.clean2[i], d::to_rgb_tensor(g::crop_image(frame2, box, r))));
    EXPECT_FALSE(torch::equal(
        b.clean2[i], d::to_rgb_tensor(g::crop_image(frame2, ds.box(b.seq[i], b.t2[i]), r))));
    // Pattern moves right (+x) by 2 frame px = 4 crop px; backward flow points back.
    EXPECT_NEAR(central_median(b.flow_fw[i], 0), 4.0, 0.5);
    EXPECT_NEAR(central_median(b.flow_fw[i], 1), 0.0, 0.3);
    EXPECT_NEAR(central_median(b.flow_bw[i], 0), -4.0, 0.5);
  }
}

TEST(PairLoader, ColourGainsOnlyOnNetworkInputs) {
  mt::TempDir tmp;
  mt::write_sequence(tmp / "split" / "s0", {});
  const auto ds = d::VideoDataset::open(tmp / "split");
  d::PairLoader with(ds, 2, 32, 1, "dis-fast", "", true, 3, 1);
  d::PairLoader without(ds, 2, 32, 1, "dis-fast", "", false, 3, 1);
  const auto a = with.next(), b = without.next();
  ASSERT_EQ(a.t1, b.t1);  // the gains do not change which pairs are drawn
  EXPECT_TRUE(torch::equal(a.clean1, b.clean1));
  EXPECT_TRUE(torch::equal(a.clean2, b.clean2));
  EXPECT_TRUE(torch::equal(a.flow_fw, b.flow_fw));  // flow from the clean crops
  EXPECT_TRUE(torch::equal(a.flow_bw, b.flow_bw));
  const auto mean =
      torch::tensor({d::kImageMean[0], d::kImageMean[1], d::kImageMean[2]}).view({1, 3, 1, 1});
  const auto stdv =
      torch::tensor({d::kImageStd[0], d::kImageStd[1], d::kImageStd[2]}).view({1, 3, 1, 1});
  EXPECT_TRUE(torch::allclose(b.images1, (b.clean1 - mean) / stdv, 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(b.images2, (b.clean2 - mean) / stdv, 1e-5, 1e-5));
  // With gains, each frame and channel is scaled by its own factor in [0.6, 1.4].
  const at::Tensor rgb1 = a.images1 * stdv + mean, rgb2 = a.images2 * stdv + mean;
  const at::Tensor unclipped = a.clean1 < 0.6;  // below 0.6, a gain <= 1.4 cannot clip
  for (int i = 0; i < 2; ++i)
    for (int c = 0; c < 3; ++c) {
      const at::Tensor m = unclipped[i][c];
      const double gain =
          (rgb1[i][c].masked_select(m).sum() / a.clean1[i][c].masked_select(m).sum())
              .item<double>();
      EXPECT_GE(gain, 0.6 - 1e-4);
      EXPECT_LE(gain, 1.4 + 1e-4);
      EXPECT_GT(std::abs(gain - 1.0), 1e-4);
    }
  EXPECT_FALSE(torch::allclose(rgb1 / a.clean1.clamp_min(1e-3), rgb2 / a.clean2.clamp_min(1e-3)));
}

TEST(PairLoader, DeterministicForASeedAndCachedFlowMatches) {
  mt::TempDir tmp;
  mt::VideoSpec spec;
  spec.frames = 6;
  mt::write_sequence(tmp / "split" / "s0", spec);
  spec.seed = 2;
  mt::write_sequence(tmp / "split" / "s1", spec);
  const auto ds = d::VideoDataset::open(tmp / "split");
  motioncue::Progress::set_enabled(false);
  d::precompute_pair_flows(ds, 32, 2, "dis-fast", tmp / "cache");
  d::PairLoader a(ds, 4, 32, 2, "dis-fast", tmp / "cache", true, 9, 2);
  d::PairLoader b(ds, 4, 32, 2, "dis-fast", tmp / "cache", true, 9, 0);
  EXPECT_EQ(a.num_pairs(), 8);
  for (int k = 0; k < 3; ++k) {
    const auto x = a.next(), y = b.next();
    EXPECT_EQ(x.seq, y.seq);
    EXPECT_EQ(x.t1, y.t1);
    EXPECT_TRUE(torch::equal(x.images1, y.images1));
    EXPECT_TRUE(torch::equal(x.flow_fw, y.flow_fw));
    for (auto t : x.t1) EXPECT_LT(t + 2, 6);
  }
  EXPECT_EQ(a.cache_misses(), 0);  // everything was precomputed
  EXPECT_GT(a.cache_hits(), 0);
  d::PairLoader only_first(ds, 4, 32, 2, "dis-fast", tmp / "cache", true, 9, 1, 1);
  EXPECT_EQ(only_first.num_pairs(), 4);
  for (int k = 0; k < 3; ++k)
    for (auto s : only_first.next().seq) EXPECT_EQ(s, 0);
}

TEST(PairLoader, OracleFlowIsTheGroundTruthCropped) {
  mt::TempDir tmp;
  mt::VideoSpec spec;
  spec.frames = 3;
  spec.detected = true;
  const auto seq = tmp / "split" / "s0";
  mt::write_sequence(seq, spec);
  std::filesystem::create_directories(seq / "flow");
  auto constant_flow = [](float fx, float fy) {
    motioncue::NpyArray a;
    a.dtype = motioncue::DType::kF16;
    a.shape = {64, 64, 2};
    for (int i = 0; i < 64 * 64; ++i)
      for (float v : {fx, fy}) {
        const std::uint16_t h = motioncue::float_to_half(i == 20 * 64 + 20 ? NAN : v);
        a.bytes.push_back(static_cast<std::uint8_t>(h & 0xff));
        a.bytes.push_back(static_cast<std::uint8_t>(h >> 8));
      }
    return a;
  };
  for (int t = 0; t < 2; ++t) {
    motioncue::write_npy(seq / "flow" / ("fw_" + mt::frame_name(t).substr(0, 6) + ".npy"),
                         constant_flow(2, 0));
    motioncue::write_npy(seq / "flow" / ("bw_" + mt::frame_name(t + 1).substr(0, 6) + ".npy"),
                         constant_flow(-2, 0));
  }
  const auto ds = d::VideoDataset::open(tmp / "split");
  d::PairLoader loader(ds, 2, 64, 1, "oracle", "", true, 1, 1);
  const auto b = loader.next();
  EXPECT_NEAR(central_median(b.flow_fw[0], 0), 4.0, 1e-3);  // zoom 2
  EXPECT_NEAR(central_median(b.flow_bw[1], 0), -4.0, 1e-3);
  // The invalid ground-truth pixel (frame pixel 20, 20, inside the crop) stays NaN in the crop, for
  // the loss to mask.
  EXPECT_TRUE(torch::isnan(b.flow_fw).any().item<bool>());
  // Detected keypoints mapped through frame t's crop, for both frames.
  ASSERT_EQ(b.keypoints1.sizes(), (std::vector<int64_t>{2, 24, 3}));
  const auto affine = g::crop_affine(ds.box(0, b.t1[0]), 64);
  const auto& det = ds.annotations(0).keypoints2d_detected;
  const auto p =
      g::apply_affine(affine, {det[b.t2[0] * 72 + 3 * 7], det[b.t2[0] * 72 + 3 * 7 + 1]});
  EXPECT_NEAR(b.keypoints2[0][7][0].item<double>(), 2 * p.x / 64 - 1, 1e-5);
  EXPECT_NEAR(b.keypoints2[0][7][1].item<double>(), 2 * p.y / 64 - 1, 1e-5);
  EXPECT_FLOAT_EQ(b.keypoints1[0][3][2].item<float>(), 0.f);
  EXPECT_FLOAT_EQ(b.keypoints1[0][4][2].item<float>(), 0.9f);
  // Gap 2 chains two files: 2 + 2 frame px = 8 crop px.
  d::PairLoader gap2(ds, 1, 64, 2, "oracle", "", true, 1, 0);
  const auto c = gap2.next();
  EXPECT_NEAR(central_median(c.flow_fw[0], 0), 8.0, 1e-3);
  EXPECT_NEAR(central_median(c.flow_bw[0], 0), -8.0, 1e-3);
}

TEST(PairLoader, BadSettingsAreRejected) {
  mt::TempDir tmp;
  mt::write_sequence(tmp / "split" / "s0", {});  // 4 frames, no flow/ files
  const auto ds = d::VideoDataset::open(tmp / "split");
  EXPECT_THROW(d::PairLoader(ds, 2, 32, 4, "dis-fast", "", true, 1), motioncue::Error);  // gap
  EXPECT_THROW(d::PairLoader(ds, 2, 32, 1, "no-such-flow", "", true, 1), motioncue::Error);
  EXPECT_THROW(d::PairLoader(ds, 2, 32, 1, "oracle", "", true, 1), motioncue::Error);
  EXPECT_THROW(d::PairLoader(ds, 0, 32, 1, "dis-fast", "", true, 1), motioncue::Error);
}
