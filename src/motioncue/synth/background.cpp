#include "motioncue/synth/background.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace motioncue::synth {
namespace {

cv::Scalar random_colour(cv::RNG& r) {
  const int g = r.uniform(30, 226);
  auto c = [&]() { return std::clamp(g + r.uniform(-60, 61), 0, 255); };
  return cv::Scalar(c(), c(), c());
}

// Noise at a given cell size: random values on a coarse grid, upsampled smoothly.
cv::Mat noise_layer(int width, int height, int cell, cv::RNG& r) {
  const int gw = std::max(2, width / cell + 2), gh = std::max(2, height / cell + 2);
  cv::Mat grid(gh, gw, CV_32FC3);
  r.fill(grid, cv::RNG::UNIFORM, -1.0, 1.0);
  cv::Mat big;
  cv::resize(grid, big, cv::Size(gw * cell, gh * cell), 0, 0, cv::INTER_CUBIC);
  return big(cv::Rect(0, 0, width, height)).clone();
}

void draw_shape(cv::Mat& img, cv::RNG& r, int width, int height) {
  const cv::Scalar c = random_colour(r);
  const int kind = r.uniform(0, 5);
  const cv::Point p(r.uniform(-width / 8, width + width / 8), r.uniform(-height / 8, height));
  const int size = r.uniform(std::max(4, width / 20), std::max(5, width / 3));
  cv::Mat layer = img.clone();
  switch (kind) {
    case 0:
      cv::rectangle(layer, p, p + cv::Point(size, r.uniform(size / 3, size * 2)), c, cv::FILLED,
                    cv::LINE_AA);
      break;
    case 1:
      cv::circle(layer, p, size / 2, c, cv::FILLED, cv::LINE_AA);
      break;
    case 2:
      cv::ellipse(layer, p, cv::Size(size / 2, std::max(2, size / 5)), r.uniform(0.0, 180.0), 0,
                  360, c, cv::FILLED, cv::LINE_AA);
      break;
    case 3:
      cv::line(layer, p, p + cv::Point(r.uniform(-size, size), r.uniform(-size, size)), c,
               r.uniform(1, 4), cv::LINE_AA);
      break;
    default: {  // a striped panel
      const cv::Rect box(p, cv::Size(size, r.uniform(size / 2, size * 2)));
      const int period = r.uniform(3, 10);
      const cv::Scalar c2 = random_colour(r);
      for (int x = box.x; x < box.x + box.width; x += period)
        cv::rectangle(layer, cv::Rect(x, box.y, std::max(1, period / 2), box.height),
                      (x / period) % 2 ? c : c2, cv::FILLED);
      break;
    }
  }
  const double alpha = r.uniform(0.5, 1.0);
  cv::addWeighted(layer, alpha, img, 1.0 - alpha, 0.0, img);
}

}  // namespace

cv::Mat make_background(int width, int height, std::mt19937_64& rng) {
  cv::RNG r(rng());
  cv::Mat img(height, width, CV_32FC3);
  // Gradient between two colours at a random angle.
  // Muted colours: a grey level plus a moderate tint, as indoor and outdoor scenes mostly are.
  auto muted = [&r]() {
    const float g = r.uniform(0.15f, 0.85f);
    return cv::Vec3f(g + r.uniform(-0.2f, 0.2f), g + r.uniform(-0.2f, 0.2f),
                     g + r.uniform(-0.2f, 0.2f));
  };
  const cv::Vec3f c0 = muted(), c1 = muted();
  const double angle = r.uniform(0.0, 2 * M_PI);
  const double dx = std::cos(angle) / width, dy = std::sin(angle) / height;
  // Optional floor: a horizon below which another colour and texture take over.
  const bool floor = r.uniform(0.0, 1.0) < 0.6;
  const int horizon = static_cast<int>(height * r.uniform(0.45, 0.8));
  const cv::Vec3f floor_colour = muted();
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const float t = static_cast<float>(std::clamp(0.5 + (x * dx + y * dy), 0.0, 1.0));
      img.at<cv::Vec3f>(y, x) = c0 * (1 - t) + c1 * t;
      if (floor && y >= horizon) img.at<cv::Vec3f>(y, x) = floor_colour * (0.8f + 0.3f * t);
    }
  img += noise_layer(width, height, std::max(8, width / 4), r) * r.uniform(0.05, 0.15);
  img += noise_layer(width, height, 6, r) * r.uniform(0.03, 0.1);
  img += noise_layer(width, height, 2, r) * r.uniform(0.02, 0.06);
  cv::Mat out;
  img.convertTo(out, CV_8UC3, 255.0);
  const int shapes = r.uniform(6, 22);
  for (int i = 0; i < shapes; ++i) draw_shape(out, r, width, height);
  const double sigma = r.uniform(0.3, 1.2);
  cv::GaussianBlur(out, out, cv::Size(0, 0), sigma);
  return out;
}

Occluder make_occluder(int width, int height, const cv::Rect2d& focus, std::mt19937_64& rng) {
  cv::RNG r(rng());
  Occluder o;
  cv::Mat mask = cv::Mat::zeros(height, width, CV_8U);
  const int count = r.uniform(1, 3);
  for (int i = 0; i < count; ++i) {
    const cv::Point2d c(focus.x + r.uniform(0.0, 1.0) * focus.width,
                        focus.y + r.uniform(0.3, 1.0) * focus.height);
    if (r.uniform(0.0, 1.0) < 0.5) {  // a vertical post or a horizontal bar
      const bool vertical = r.uniform(0.0, 1.0) < 0.5;
      const double thick = r.uniform(0.08, 0.25) * focus.width;
      const cv::Rect box = vertical ? cv::Rect(cv::Point(int(c.x - thick / 2), -1),
                                               cv::Point(int(c.x + thick / 2), height + 1))
                                    : cv::Rect(cv::Point(-1, int(c.y - thick / 2)),
                                               cv::Point(width + 1, int(c.y + thick / 2)));
      cv::rectangle(mask, box, 255, cv::FILLED, cv::LINE_AA);
    } else {  // a blob in the lower part (a bush, a box)
      const cv::Size axes(int(r.uniform(0.2, 0.45) * focus.width),
                          int(r.uniform(0.1, 0.25) * focus.height));
      cv::ellipse(mask, cv::Point(int(c.x), int(c.y)), axes, r.uniform(0.0, 30.0), 0, 360, 255,
                  cv::FILLED, cv::LINE_AA);
    }
  }
  mask.convertTo(o.alpha, CV_32F, 1.0 / 255.0);
  std::mt19937_64 tex_rng(r.next());
  o.color = make_background(width, height, tex_rng);
  return o;
}

}  // namespace motioncue::synth
