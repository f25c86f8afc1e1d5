// Shading of the textured body over a background, and the exact ground-truth flow between two
// frames, both on top of geometry's rasteriser (exact coverage, perspective-correct barycentric
// coordinates, z-buffer).
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>

#include "motioncue/geometry/rasterizer.h"
#include "motioncue/synth/appearance.h"
#include "motioncue/synth/scene.h"

namespace motioncue::synth {

struct BodySurface {
  const float* screen = nullptr;          // V x 3: u, v (frame pixels), z_cam
  const float* normals = nullptr;         // V x 3, camera frame, unit, outward
  const float* rest = nullptr;            // V x 3, rest-pose positions (texture coordinates)
  const std::int64_t* regions = nullptr;  // V, clothing region
  std::int64_t num_vertices = 0;
  const std::int64_t* faces = nullptr;
  std::int64_t num_faces = 0;
};

// The body shaded (Lambert, ambient + one directional light) with its solid textures over
// `background` (CV_8UC3, the frame size), anti-aliased by rendering at `supersample` x the
// resolution and box-filtering down. Returns CV_8UC3.
cv::Mat render_body(const BodySurface& body, const Appearance& appearance, const LightSetup& light,
                    const cv::Mat& background, int supersample);

// Exact flow from frame 1 to frame 2 at every pixel centre covered by the body in frame 1: the
// surface point seen there (perspective-correct barycentrics of raster1) is moved to its
// position in frame 2 (camera-frame vertices cam2, projected with camera2). NaN where frame 1
// shows no body, or where that surface point is hidden in frame 2 (its depth is more than
// `depth_tolerance` metres behind raster2's depth at its pixel, or it leaves the body's
// coverage or the image). CV_32FC2.
cv::Mat exact_flow(const geometry::RasterResult& raster1, const geometry::RasterResult& raster2,
                   const float* cam2, const FrameCamera& camera2, const std::int64_t* faces,
                   double depth_tolerance = 0.03);

}  // namespace motioncue::synth
