// The person-crop convention used by every module (SPIN's): a square box of side 200 * scale
// pixels centred at `center` is mapped onto a resolution x resolution crop, optionally rotated
// about the box centre. Pixel edges are at integers, pixel centres at j + 0.5, in both images.
#pragma once

#include <opencv2/core.hpp>

namespace motioncue::geometry {

struct PersonBox {
  cv::Point2d center;
  double scale = 1.0;  // box side = 200 * scale pixels
};

// The 2x3 affine map from full-image pixel coordinates to crop pixel coordinates. A positive
// rotation turns the image content counter-clockwise in the crop.
cv::Matx23d crop_affine(const PersonBox& box, int resolution, double rotation_deg = 0.0);
cv::Matx23d invert_affine(const cv::Matx23d& a);
cv::Point2d apply_affine(const cv::Matx23d& a, const cv::Point2d& p);

// Crops with bilinear interpolation; outside the image is black.
cv::Mat crop_image(const cv::Mat& image, const PersonBox& box, int resolution,
                   double rotation_deg = 0.0);

}  // namespace motioncue::geometry
