// The two camera models of motioncue and their pixel convention, defined once here and used by
// every module. Pixel edges are at integers and pixel centres at j + 0.5, so a point projected to
// (x, y) lies in pixel (floor(y), floor(x)); the rasteriser uses the same convention.
#pragma once

#include <ATen/core/Tensor.h>
#include <opencv2/core.hpp>

namespace motioncue::geometry {

// Weak perspective (docs/METHOD.md section 2): p = s * X_xy + t in normalised crop coordinates
// [-1, 1]; crop pixels u = (p + 1) / 2 * resolution. Differentiable in points and cam.
// points: N x V x 3, cam: N x 3 (s, tx, ty) -> N x V x 2 crop pixels.
at::Tensor weak_perspective_project(const at::Tensor& points, const at::Tensor& cam,
                                    double resolution);

// Screen-space points for the rasteriser: (u, v, depth) with depth = model z (the camera looks
// along +z; smaller depth is nearer). N x V x 3.
at::Tensor weak_perspective_screen(const at::Tensor& points, const at::Tensor& cam,
                                   double resolution);

// Pinhole camera in OpenCV's frame (x right, y down, z forward): x_cam = R * x_world + t,
// u = fx * x / z + cx. With the pixel convention above, an image of width W whose optical axis
// goes through its middle has cx = W / 2 (not (W - 1) / 2).
struct PinholeCamera {
  double fx = 1.0, fy = 1.0, cx = 0.0, cy = 0.0;
  cv::Matx33d R = cv::Matx33d::eye();
  cv::Vec3d t{0, 0, 0};
};

// points_world: N x V x 3 -> N x V x 3 (u, v, z_cam). Differentiable in the points.
at::Tensor perspective_project(const at::Tensor& points_world, const PinholeCamera& camera);

// Plain versions for rendering and tests.
cv::Vec3d to_camera(const PinholeCamera& camera, const cv::Vec3d& p_world);
cv::Point2d project(const PinholeCamera& camera, const cv::Vec3d& p_world);
// Pixel of a point already in the camera frame (the intrinsics alone).
cv::Point2d project_camera_point(const PinholeCamera& camera, const cv::Vec3d& p_cam);
// (u, v, z_cam) of every vertex; vertices: V x 3 floats (world), out: V x 3 floats.
void project_screen(const PinholeCamera& camera, const float* vertices, int64_t num_vertices,
                    float* out);

}  // namespace motioncue::geometry
