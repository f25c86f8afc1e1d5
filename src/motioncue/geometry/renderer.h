// The one shader of motioncue: Lambert + ambient shading of a rasterised mesh over a background,
// anti-aliased, with a person mask. Callers (overlays, the synthetic benchmark, the body
// preview) supply colours only: per-vertex colours or a solid texture evaluated at the rest-pose
// surface point, so the texture moves with the body (what optical flow needs).
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <functional>

namespace motioncue::geometry {

struct RenderInput {
  const float* screen_xyz = nullptr;  // V x 3 (u, v pixels; depth, smaller = nearer)
  int64_t num_vertices = 0;
  const int64_t* faces = nullptr;  // F x 3
  int64_t num_faces = 0;
  // V x 3 unit normals in the camera frame; may be null: then computed from positions_cam, or,
  // without those, from the screen-space mesh (depth scaled by isotropic_depth_scale).
  const float* normals_cam = nullptr;
  const float* vertex_colors = nullptr;  // V x 3 RGB in [0, 1]; may be null (light grey)
  // Optional: RGB colour of the rest-pose surface point (interpolated from rest_positions) and
  // the body part of the face's dominant vertex (-1 without vertex_parts). Overrides
  // vertex_colors. Called once per covered subsample, from one thread.
  std::function<cv::Vec3f(const cv::Vec3f& rest_position, int part)> solid_texture;
  const float* rest_positions = nullptr;  // V x 3, needed with solid_texture
  const int64_t* vertex_parts = nullptr;  // V, optional
  bool perspective = true;                // screen_xyz from a pinhole camera (depth = z_cam > 0)
  const float* positions_cam = nullptr;   // V x 3 camera-frame positions, optional (normals)
};

// One directional light plus ambient light, PyTorch3D's convention: `direction` points from the
// surface TOWARDS the light, in the camera frame (x right, y down, z forward, so -z points back
// at the camera); it need not be unit length. A surface of colour c and unit normal n gets
//   c * (ambient + diffuse * lambert) * tint,
// lambert = |n . l| when two_sided (face orientation and winding do not matter: overlays of
// meshes of any winding), else max(0, n . l), which needs outward normals (a surface facing away
// from the light gets the ambient term only).
struct Lighting {
  cv::Vec3f direction{0.3f, -0.5f, -1.0f};  // default: from above, right, on the camera's side
  float ambient = 0.35f, diffuse = 0.65f;
  cv::Vec3f tint{1.0f, 1.0f, 1.0f};  // RGB gain of the light
  bool two_sided = true;
};

struct RenderOutput {
  cv::Mat color;  // CV_8UC3 BGR, the mesh composited over the background
  cv::Mat mask;   // CV_8UC1 coverage 0..255 (fraction of covered subsamples)
};

// Renders at supersample x the background's size and box-filters the shaded subsamples (and
// their coverage) down; a pixel is the filtered mesh colour plus (1 - coverage) x background.
// The background sets the output size.
RenderOutput render(const RenderInput& input, const cv::Mat& background, const Lighting& light = {},
                    int supersample = 2);

}  // namespace motioncue::geometry
