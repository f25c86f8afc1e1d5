#include "motioncue/geometry/camera.h"

#include <torch/torch.h>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"

namespace motioncue::geometry {

namespace {

void check_points(const at::Tensor& points, const char* what) {
  if (points.dim() != 3 || points.size(2) != 3)
    throw Error("wrong point tensor shape")
        .key(what)
        .expected("N x V x 3")
        .found(shape_string(points));
}

}  // namespace

at::Tensor weak_perspective_project(const at::Tensor& points, const at::Tensor& cam,
                                    double resolution) {
  check_points(points, "points");
  if (cam.dim() != 2 || cam.size(1) != 3 || cam.size(0) != points.size(0))
    throw Error("wrong camera tensor shape")
        .key("cam")
        .expected("N x 3 (s, tx, ty) with N = " + std::to_string(points.size(0)))
        .found(shape_string(cam));
  if (!(resolution > 0))
    throw Error("resolution must be positive").found(std::to_string(resolution));
  const auto s = cam.narrow(1, 0, 1).unsqueeze(1);  // N x 1 x 1
  const auto t = cam.narrow(1, 1, 2).unsqueeze(1);  // N x 1 x 2
  const auto p = s * points.narrow(2, 0, 2) + t;
  return (p + 1.0) * (0.5 * resolution);
}

at::Tensor weak_perspective_screen(const at::Tensor& points, const at::Tensor& cam,
                                   double resolution) {
  const auto uv = weak_perspective_project(points, cam, resolution);
  return torch::cat({uv, points.narrow(2, 2, 1)}, 2);
}

at::Tensor perspective_project(const at::Tensor& points_world, const PinholeCamera& camera) {
  check_points(points_world, "points_world");
  const auto opts = points_world.options();
  const auto R =
      torch::tensor({camera.R(0, 0), camera.R(0, 1), camera.R(0, 2), camera.R(1, 0), camera.R(1, 1),
                     camera.R(1, 2), camera.R(2, 0), camera.R(2, 1), camera.R(2, 2)},
                    torch::kFloat64)
          .view({3, 3})
          .to(opts.dtype())
          .to(points_world.device());
  const auto t = torch::tensor({camera.t[0], camera.t[1], camera.t[2]}, torch::kFloat64)
                     .to(opts.dtype())
                     .to(points_world.device());
  const auto pc = torch::matmul(points_world, R.t()) + t;  // N x V x 3
  const auto x = pc.select(2, 0), y = pc.select(2, 1), z = pc.select(2, 2);
  const auto u = x / z * camera.fx + camera.cx;
  const auto v = y / z * camera.fy + camera.cy;
  return torch::stack({u, v, z}, 2);
}

cv::Vec3d to_camera(const PinholeCamera& camera, const cv::Vec3d& p_world) {
  return camera.R * p_world + camera.t;
}

cv::Point2d project(const PinholeCamera& camera, const cv::Vec3d& p_world) {
  return project_camera_point(camera, to_camera(camera, p_world));
}

cv::Point2d project_camera_point(const PinholeCamera& camera, const cv::Vec3d& c) {
  return {camera.fx * c[0] / c[2] + camera.cx, camera.fy * c[1] / c[2] + camera.cy};
}

void project_screen(const PinholeCamera& camera, const float* vertices, int64_t num_vertices,
                    float* out) {
  for (int64_t i = 0; i < num_vertices; ++i) {
    const cv::Vec3d c =
        to_camera(camera, {vertices[3 * i], vertices[3 * i + 1], vertices[3 * i + 2]});
    out[3 * i] = static_cast<float>(camera.fx * c[0] / c[2] + camera.cx);
    out[3 * i + 1] = static_cast<float>(camera.fy * c[1] / c[2] + camera.cy);
    out[3 * i + 2] = static_cast<float>(c[2]);
  }
}

}  // namespace motioncue::geometry
