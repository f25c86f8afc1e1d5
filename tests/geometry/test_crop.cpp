#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "motioncue/geometry/crop.h"

namespace g = motioncue::geometry;

TEST(Crop, BoxCornersMapToCropCorners) {
  const g::PersonBox box{{120.0, 80.0}, 0.5};  // side 100 px
  const auto a = g::crop_affine(box, 224);
  const auto tl = g::apply_affine(a, {70.0, 30.0});
  const auto br = g::apply_affine(a, {170.0, 130.0});
  EXPECT_NEAR(tl.x, 0.0, 1e-9);
  EXPECT_NEAR(tl.y, 0.0, 1e-9);
  EXPECT_NEAR(br.x, 224.0, 1e-9);
  EXPECT_NEAR(br.y, 224.0, 1e-9);
  const auto back = g::apply_affine(g::invert_affine(a), br);
  EXPECT_NEAR(back.x, 170.0, 1e-9);
}

TEST(Crop, RotationTurnsContentCounterClockwise) {
  const g::PersonBox box{{100.0, 100.0}, 1.0};
  // A point to the right of the centre ends up above it after a +90 degree rotation.
  const auto p = g::apply_affine(g::crop_affine(box, 200, 90.0), {150.0, 100.0});
  EXPECT_NEAR(p.x, 100.0, 1e-9);
  EXPECT_NEAR(p.y, 50.0, 1e-9);
}

TEST(Crop, PixelCentresFollowTheConvention) {
  // A single bright pixel (j = 10, i = 20) of an image cropped at the identity (box = image)
  // stays at the same pixel of the crop.
  cv::Mat img = cv::Mat::zeros(64, 64, CV_8UC1);
  img.at<uchar>(20, 10) = 255;
  const cv::Mat crop = g::crop_image(img, {{32.0, 32.0}, 64.0 / 200.0}, 64);
  EXPECT_EQ(crop.at<uchar>(20, 10), 255);
  // Doubling the resolution spreads it over pixels 20..21 x 40..41 (centres 20.5, 21.5
  // -> 10.25, 10.75).
  const cv::Mat up = g::crop_image(img, {{32.0, 32.0}, 64.0 / 200.0}, 128);
  EXPECT_GT(up.at<uchar>(40, 20), 100);
  EXPECT_GT(up.at<uchar>(41, 21), 100);
  EXPECT_EQ(up.at<uchar>(38, 18), 0);
}
