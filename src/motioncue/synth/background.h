// Procedural backgrounds: a colour gradient, multi-scale noise, a floor band and random shapes
// (rectangles, discs, bars, lines, some striped), textured enough that a flow estimator sees
// structure everywhere, never a flat colour.
#pragma once

#include <opencv2/core.hpp>

#include <random>

namespace motioncue::synth {

// CV_8UC3 (BGR) image of the given size.
cv::Mat make_background(int width, int height, std::mt19937_64& rng);

// Random occluder shapes: a float alpha mask (CV_32F, 0..1) and a textured colour layer
// (CV_8UC3), covering part of `focus` (the person's box) with probability `probability`.
struct Occluder {
  cv::Mat alpha;  // CV_32F, empty when there is no occluder
  cv::Mat color;  // CV_8UC3
};
Occluder make_occluder(int width, int height, const cv::Rect2d& focus, std::mt19937_64& rng);

}  // namespace motioncue::synth
