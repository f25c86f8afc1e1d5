// Rich random textures for flow tests: multi-scale smoothed noise plus random shapes, and a
// warped copy with its exact flow.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdint>

namespace motioncue::testing {

inline cv::Mat make_texture(int width, int height, std::uint64_t seed) {
  cv::RNG rng(seed);
  cv::Mat acc(height, width, CV_32FC3, cv::Scalar::all(0));
  for (int cell : {2, 5, 13}) {  // noise at three scales, bicubically enlarged
    cv::Mat small(height / cell + 2, width / cell + 2, CV_32FC3), big;
    rng.fill(small, cv::RNG::UNIFORM, 0.0, 1.0);
    cv::resize(small, big, cv::Size(), cell, cell, cv::INTER_CUBIC);
    acc += big(cv::Rect(0, 0, width, height)) * (80.0 / 3);
  }
  cv::GaussianBlur(acc, acc, cv::Size(0, 0), 0.8);
  cv::Mat image;
  acc.convertTo(image, CV_8UC3, 1.0, 60);
  for (int i = 0; i < 25; ++i) {
    const cv::Scalar colour(rng.uniform(0, 256), rng.uniform(0, 256), rng.uniform(0, 256));
    const cv::Point c(rng.uniform(0, width), rng.uniform(0, height));
    if (i % 2)
      cv::circle(image, c, rng.uniform(3, std::max(4, width / 8)), colour, cv::FILLED, cv::LINE_AA);
    else
      cv::rectangle(image, c,
                    c + cv::Point(rng.uniform(4, std::max(5, width / 6)),
                                  rng.uniform(4, std::max(5, height / 6))),
                    colour, cv::FILLED, cv::LINE_AA);
  }
  return image;
}

// image2 = image1 moved by the affine map M (a point p of image1 appears at M p in image2, pixel
// centres at integer indices); `flow` receives the exact flow image1 -> image2: M p - p.
inline cv::Mat warp_with_flow(const cv::Mat& image1, const cv::Matx23d& m, cv::Mat& flow) {
  cv::Mat image2;
  cv::warpAffine(image1, image2, cv::Mat(m), image1.size(), cv::INTER_CUBIC, cv::BORDER_REFLECT);
  flow.create(image1.size(), CV_32FC2);
  for (int y = 0; y < image1.rows; ++y)
    for (int x = 0; x < image1.cols; ++x)
      flow.at<cv::Vec2f>(y, x) = cv::Vec2f(float(m(0, 0) * x + m(0, 1) * y + m(0, 2) - x),
                                           float(m(1, 0) * x + m(1, 1) * y + m(1, 2) - y));
  return image2;
}

// Excludes a margin where content enters or leaves the frame.
inline cv::Mat interior_mask(cv::Size size, int margin) {
  cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
  mask(cv::Rect(margin, margin, size.width - 2 * margin, size.height - 2 * margin)).setTo(255);
  return mask;
}

}  // namespace motioncue::testing
