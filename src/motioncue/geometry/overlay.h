// People-facing pictures: a shaded mesh over an image, 2D keypoints with their skeleton, and a
// side view of the mesh.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

namespace motioncue::geometry {

// The mesh (screen points u, v, depth) shaded in `color` (BGR) and blended over the image with
// opacity alpha. perspective: screen points from a pinhole camera (else weak perspective).
cv::Mat overlay_mesh(const cv::Mat& image, const float* screen_xyz, int64_t num_vertices,
                     const int64_t* faces, int64_t num_faces, float alpha = 0.6f,
                     cv::Vec3b color = {200, 180, 120}, bool perspective = false);

// The 24 keypoints in the order of docs/FORMATS.md; points with confidence <= 0 are skipped.
// Left limbs are drawn in blue tones, right limbs in red tones, the trunk and head in green.
void draw_keypoints(cv::Mat& image, const std::vector<cv::Point2f>& points,
                    const std::vector<float>& confidence, bool skeleton = true);
// Limbs of the 24-keypoint skeleton as index pairs.
const std::vector<std::pair<int, int>>& keypoint_skeleton();

// The mesh seen from the side: rotated 90 degrees about the vertical axis through the centre of
// its bounding box (the camera then looks at its right-hand side, as drawn in the image), same
// size as `size`, shaded, over a plain dark background. depth_scale = pixels per depth unit
// (<= 0: estimated with isotropic_depth_scale).
cv::Mat side_view(cv::Size size, const float* screen_xyz, int64_t num_vertices,
                  const int64_t* faces, int64_t num_faces, cv::Vec3b color = {200, 180, 120},
                  float depth_scale = -1.0f);

}  // namespace motioncue::geometry
