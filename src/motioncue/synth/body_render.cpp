#include "motioncue/synth/body_render.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace motioncue::synth {

cv::Mat render_body(const BodySurface& b, const Appearance& appearance, const LightSetup& light,
                    const cv::Mat& background, int supersample) {
  const int s = std::max(1, supersample);
  const int H = background.rows, W = background.cols, SH = H * s, SW = W * s;
  std::vector<float> scaled(b.num_vertices * 3);
  for (std::int64_t i = 0; i < b.num_vertices; ++i) {
    scaled[3 * i] = b.screen[3 * i] * s;
    scaled[3 * i + 1] = b.screen[3 * i + 1] * s;
    scaled[3 * i + 2] = b.screen[3 * i + 2];
  }
  geometry::RasterResult r;
  geometry::RasterOptions options;
  options.perspective_correct = true;
  geometry::rasterize_into(scaled.data(), b.num_vertices, b.faces, b.num_faces, SH, SW, options, r);

  cv::Mat color(SH, SW, CV_32FC3, cv::Scalar::all(0)), cover(SH, SW, CV_32F, cv::Scalar(0));
  for (int i = 0; i < SH; ++i)
    for (int j = 0; j < SW; ++j) {
      const std::int64_t idx = static_cast<std::int64_t>(i) * SW + j;
      const int f = r.face_id[idx];
      if (f < 0) continue;
      const std::int64_t* face = b.faces + 3 * static_cast<std::int64_t>(f);
      const float* w = &r.bary[idx * 3];
      cv::Vec3f rest(0, 0, 0), n(0, 0, 0);
      int strongest = 0;
      for (int k = 0; k < 3; ++k) {
        rest += w[k] * cv::Vec3f(b.rest + 3 * face[k]);
        n += w[k] * cv::Vec3f(b.normals + 3 * face[k]);
        if (w[k] > w[strongest]) strongest = k;
      }
      const float len = static_cast<float>(cv::norm(n));
      if (len > 0) n /= len;
      const float lambert = std::max(0.0f, -n.dot(light.direction));
      const float shade = light.ambient + light.diffuse * lambert;
      const cv::Vec3f albedo =
          surface_color(appearance, rest, static_cast<int>(b.regions[face[strongest]]));
      cv::Vec3f c(albedo[0] * shade * light.tint[0], albedo[1] * shade * light.tint[1],
                  albedo[2] * shade * light.tint[2]);
      color.at<cv::Vec3f>(i, j) = c * 255.0f;
      cover.at<float>(i, j) = 1.0f;
    }
  cv::Mat color_lo, cover_lo;
  cv::resize(color, color_lo, cv::Size(W, H), 0, 0, cv::INTER_AREA);
  cv::resize(cover, cover_lo, cv::Size(W, H), 0, 0, cv::INTER_AREA);
  cv::Mat out(H, W, CV_8UC3);
  for (int i = 0; i < H; ++i)
    for (int j = 0; j < W; ++j) {
      const float a = cover_lo.at<float>(i, j);
      const cv::Vec3b bg = background.at<cv::Vec3b>(i, j);
      const cv::Vec3f c = color_lo.at<cv::Vec3f>(i, j);
      cv::Vec3b& o = out.at<cv::Vec3b>(i, j);
      for (int k = 0; k < 3; ++k) o[k] = cv::saturate_cast<std::uint8_t>(c[k] + (1.0f - a) * bg[k]);
    }
  return out;
}

cv::Mat exact_flow(const geometry::RasterResult& r1, const geometry::RasterResult& r2,
                   const float* cam2, const FrameCamera& c2, const std::int64_t* faces,
                   double depth_tolerance) {
  const int H = r1.height, W = r1.width;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  cv::Mat flow(H, W, CV_32FC2, cv::Scalar(nan, nan));
  for (int i = 0; i < H; ++i)
    for (int j = 0; j < W; ++j) {
      const std::int64_t idx = static_cast<std::int64_t>(i) * W + j;
      const int f = r1.face_id[idx];
      if (f < 0) continue;
      const std::int64_t* face = faces + 3 * static_cast<std::int64_t>(f);
      cv::Vec3d X(0, 0, 0);
      for (int k = 0; k < 3; ++k)
        X += double(r1.bary[idx * 3 + k]) *
             cv::Vec3d(cam2[3 * face[k]], cam2[3 * face[k] + 1], cam2[3 * face[k] + 2]);
      if (!(X[2] > 0)) continue;
      const cv::Point2d p = c2.project(X);
      const int ii = static_cast<int>(std::floor(p.y)), jj = static_cast<int>(std::floor(p.x));
      if (ii < 0 || jj < 0 || ii >= H || jj >= W) continue;
      const float depth2 = r2.depth[static_cast<std::int64_t>(ii) * W + jj];
      if (!std::isfinite(depth2) || X[2] > depth2 + depth_tolerance) continue;
      flow.at<cv::Vec2f>(i, j) =
          cv::Vec2f(static_cast<float>(p.x - (j + 0.5)), static_cast<float>(p.y - (i + 0.5)));
    }
  return flow;
}

}  // namespace motioncue::synth
