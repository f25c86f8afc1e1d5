#include <gtest/gtest.h>

#include <cmath>

#include "../support/temp_dir.h"
#include "../support/test_values.h"
#include "motioncue/core/error.h"
#include "motioncue/core/npy.h"
#include "motioncue/flow/estimator.h"
#include "motioncue/flow/metrics.h"
#include "motioncue/flow/oracle.h"
#include "motioncue/flow/pair_flow.h"
#include "texture.h"

namespace motioncue::flow {
namespace {

using motioncue::testing::kNaN;

TEST(CropFlow, ConstantFlowScalesByTheZoom) {
  const cv::Mat full(480, 640, CV_32FC2, cv::Scalar(6.0, -4.0));
  // Box side 200 * 1.6 = 320 px onto 224 px: zoom 0.7.
  const geometry::PersonBox box{{320, 240}, 1.6};
  const cv::Mat c = crop_flow(full, box, 224);
  ASSERT_EQ(c.type(), CV_32FC2);
  ASSERT_EQ(c.size(), cv::Size(224, 224));
  for (int y = 0; y < 224; y += 37)
    for (int x = 0; x < 224; x += 41) {
      EXPECT_NEAR(c.at<cv::Vec2f>(y, x)[0], 6.0 * 0.7, 1e-5);
      EXPECT_NEAR(c.at<cv::Vec2f>(y, x)[1], -4.0 * 0.7, 1e-5);
    }
}

TEST(CropFlow, SamplesThePreImageAndMarksOutsideInvalid) {
  // flow(x, y) = (x_centre, 0) with centres at j + 0.5: the crop must see the full-frame x of
  // each crop pixel's pre-image, times the zoom.
  cv::Mat full(100, 200, CV_32FC2);
  for (int y = 0; y < full.rows; ++y)
    for (int x = 0; x < full.cols; ++x) full.at<cv::Vec2f>(y, x) = cv::Vec2f(x + 0.5f, 0);
  const geometry::PersonBox box{{60, 50}, 0.5};  // 100 px box -> 50 px crop: zoom 0.5
  const cv::Mat c = crop_flow(full, box, 50);
  const auto inv = geometry::invert_affine(geometry::crop_affine(box, 50));
  for (int j = 0; j < 50; j += 7) {
    const double pre_x = geometry::apply_affine(inv, {j + 0.5, 25.5}).x;
    const float v = c.at<cv::Vec2f>(25, j)[0];
    if (pre_x < 1.0) {
      EXPECT_TRUE(std::isnan(v)) << j;  // the box starts at x = 10: only j = 0 can be near
    } else {
      EXPECT_NEAR(v, 0.5 * pre_x, 0.02) << j;
    }
  }
  // A box reaching outside the frame: NaN there.
  const cv::Mat out = crop_flow(full, geometry::PersonBox{{10, 50}, 0.5}, 50);
  EXPECT_TRUE(std::isnan(out.at<cv::Vec2f>(25, 2)[0]));
  EXPECT_FALSE(std::isnan(out.at<cv::Vec2f>(25, 40)[0]));
}

TEST(Oracle, LoadsFloat16GroundTruthWithNaN) {
  testing::TempDir dir;
  std::vector<float> v(3 * 4 * 2);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.5f * float(i);
  v[5] = kNaN;
  NpyArray a = NpyArray::from_f32({3, 4, 2}, v);
  // Stored as float16, as the synthetic benchmark writes it.
  NpyArray h;
  h.dtype = DType::kF16;
  h.shape = a.shape;
  h.bytes.resize(v.size() * 2);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::uint16_t x = float_to_half(v[i]);
    std::memcpy(h.bytes.data() + 2 * i, &x, 2);
  }
  write_npy(dir / "seq" / "flow" / "fw_000007.npy", h);
  const cv::Mat f = load_ground_truth_flow(dir / "seq", 7, true);
  ASSERT_EQ(f.type(), CV_32FC2);
  ASSERT_EQ(f.size(), cv::Size(4, 3));
  EXPECT_EQ(f.at<cv::Vec2f>(1, 1)[1], 0.5f * 11);  // element (1, 1, 1) = index 11
  EXPECT_TRUE(std::isnan(f.at<cv::Vec2f>(0, 2)[1]));

  try {
    load_ground_truth_flow(dir / "seq", 7, false);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bw_000007.npy"), std::string::npos) << e.what();
  }
  write_npy(dir / "seq" / "flow" / "fw_000008.npy",
            NpyArray::from_f32({3, 4}, std::vector<float>(12, 1.0f)));
  EXPECT_THROW(load_ground_truth_flow(dir / "seq", 8, true), Error);
}

TEST(PairFlow, CropsWithFrameOnesBoxAndCaches) {
  testing::TempDir dir;
  const cv::Mat frame1 = testing::make_texture(320, 240, 11);
  cv::Mat truth;
  const cv::Mat frame2 = testing::warp_with_flow(frame1, cv::Matx23d(1, 0, 4, 0, 1, -2), truth);
  const geometry::PersonBox box{{160, 120}, 1.0};  // 200 px box -> 100 px crop: zoom 0.5
  auto estimator = make_flow_estimator("dis-medium");

  const PairFlow direct =
      compute_pair_flow(frame1, frame2, box, 100, *estimator, nullptr, "f1", "f2");
  ASSERT_EQ(direct.forward.size(), cv::Size(100, 100));
  const cv::Mat mask = testing::interior_mask(cv::Size(100, 100), 8);
  EXPECT_LT(flow_error(direct.forward, cv::Mat(100, 100, CV_32FC2, cv::Scalar(2, -1)), mask).epe,
            0.2);
  EXPECT_LT(flow_error(direct.backward, cv::Mat(100, 100, CV_32FC2, cv::Scalar(-2, 1)), mask).epe,
            0.2);

  FlowCache cache(dir / "cache");
  const PairFlow first =
      compute_pair_flow(frame1, frame2, box, 100, *estimator, &cache, "f1", "f2");
  EXPECT_EQ(cache.misses(), 2);
  const PairFlow second =
      compute_pair_flow(frame1, frame2, box, 100, *estimator, &cache, "f1", "f2");
  EXPECT_EQ(cache.hits(), 2);
  EXPECT_EQ(cv::norm(first.forward, second.forward, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::norm(first.backward, second.backward, cv::NORM_INF), 0.0);
  EXPECT_LE(cv::norm(first.forward, direct.forward, cv::NORM_INF), 0.01);  // float16 only

  // Another box or another estimator: new entries.
  compute_pair_flow(frame1, frame2, geometry::PersonBox{{161, 120}, 1.0}, 100, *estimator, &cache,
                    "f1", "f2");
  compute_pair_flow(frame1, frame2, box, 100, *make_flow_estimator("dis-fast"), &cache, "f1", "f2");
  EXPECT_EQ(cache.misses(), 6);
  EXPECT_EQ(cache.hits(), 2);

  EXPECT_THROW(compute_pair_flow(frame1, frame1(cv::Rect(0, 0, 300, 240)).clone(), box, 100,
                                 *estimator, nullptr, "f1", "f2"),
               Error);
}

}  // namespace
}  // namespace motioncue::flow
