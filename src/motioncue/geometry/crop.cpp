#include "motioncue/geometry/crop.h"

#include <opencv2/imgproc.hpp>

#include <cmath>

#include "motioncue/core/error.h"

namespace motioncue::geometry {

cv::Matx23d crop_affine(const PersonBox& box, int resolution, double rotation_deg) {
  if (!(box.scale > 0) || resolution <= 0)
    throw Error("invalid crop")
        .expected("scale > 0 and resolution > 0")
        .found("scale " + std::to_string(box.scale) + ", resolution " + std::to_string(resolution));
  const double k = resolution / (200.0 * box.scale);
  const double th = rotation_deg * M_PI / 180.0;
  const double c = std::cos(th), s = std::sin(th);
  // crop = k * R * (p - center) + R/2, with R rotating image content counter-clockwise as seen
  // on screen (y down): [c s; -s c].
  const double half = resolution / 2.0;
  cv::Matx23d a(k * c, k * s, 0, -k * s, k * c, 0);
  a(0, 2) = half - (a(0, 0) * box.center.x + a(0, 1) * box.center.y);
  a(1, 2) = half - (a(1, 0) * box.center.x + a(1, 1) * box.center.y);
  return a;
}

cv::Matx23d invert_affine(const cv::Matx23d& a) {
  cv::Matx23d inv;
  cv::invertAffineTransform(a, inv);
  return inv;
}

cv::Point2d apply_affine(const cv::Matx23d& a, const cv::Point2d& p) {
  return {a(0, 0) * p.x + a(0, 1) * p.y + a(0, 2), a(1, 0) * p.x + a(1, 1) * p.y + a(1, 2)};
}

cv::Mat crop_image(const cv::Mat& image, const PersonBox& box, int resolution,
                   double rotation_deg) {
  if (image.empty()) throw Error("cannot crop an empty image");
  // warpAffine samples pixel centres at integer coordinates; shift by half a pixel on both sides
  // so that the convention "centres at j + 0.5" holds in both images.
  cv::Matx23d a = crop_affine(box, resolution, rotation_deg);
  const double sx = 0.5 * (a(0, 0) + a(0, 1)) - 0.5, sy = 0.5 * (a(1, 0) + a(1, 1)) - 0.5;
  a(0, 2) += sx;
  a(1, 2) += sy;
  cv::Mat out;
  cv::warpAffine(image, out, cv::Mat(a), cv::Size(resolution, resolution), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return out;
}

}  // namespace motioncue::geometry
