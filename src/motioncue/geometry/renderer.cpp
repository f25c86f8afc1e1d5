#include "motioncue/geometry/renderer.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "motioncue/core/error.h"
#include "motioncue/geometry/mesh_normals.h"
#include "motioncue/geometry/rasterizer.h"

namespace motioncue::geometry {
namespace {

void check(const RenderInput& in, const cv::Mat& background, int supersample) {
  if (background.empty() || background.type() != CV_8UC3)
    throw Error("render background must be a non-empty 8-bit BGR image");
  if (supersample < 1 || supersample > 8)
    throw Error("invalid supersampling").expected("1..8").found(std::to_string(supersample));
  if (in.num_vertices < 0 || in.num_faces < 0 || (in.num_vertices > 0 && !in.screen_xyz) ||
      (in.num_faces > 0 && !in.faces))
    throw Error("render input has no vertices or faces for its counts");
  if (in.solid_texture && !in.rest_positions)
    throw Error("a solid texture needs rest_positions").key("rest_positions");
}

// RGB albedo of the surface point with barycentric weights w on triangle tri.
cv::Vec3f albedo(const RenderInput& in, const int64_t* tri, const float* w) {
  if (in.solid_texture) {
    cv::Vec3f rest(0, 0, 0);
    int dominant = 0;
    for (int k = 0; k < 3; ++k) {
      rest += w[k] * cv::Vec3f(in.rest_positions + 3 * tri[k]);
      if (w[k] > w[dominant]) dominant = k;
    }
    return in.solid_texture(rest, in.vertex_parts ? int(in.vertex_parts[tri[dominant]]) : -1);
  }
  if (!in.vertex_colors) return {0.75f, 0.75f, 0.75f};
  cv::Vec3f colour(0, 0, 0);
  for (int k = 0; k < 3; ++k) colour += w[k] * cv::Vec3f(in.vertex_colors + 3 * tri[k]);
  return colour;
}

}  // namespace

RenderOutput render(const RenderInput& in, const cv::Mat& background, const Lighting& light,
                    int supersample) {
  check(in, background, supersample);
  const int height = background.rows, width = background.cols, ss = supersample;
  const int sh = height * ss, sw = width * ss;
  const int64_t nv = in.num_vertices;

  std::vector<float> scaled(in.screen_xyz, in.screen_xyz + 3 * nv);
  for (int64_t v = 0; v < nv; ++v) {
    scaled[3 * v] *= float(ss);
    scaled[3 * v + 1] *= float(ss);
  }
  RasterResult r;
  RasterOptions options;
  options.perspective_correct = in.perspective;
  rasterize_into(scaled.data(), nv, in.faces, in.num_faces, sh, sw, options, r);

  std::vector<float> computed;
  const float* normals = in.normals_cam;
  if (!normals) {
    computed = in.positions_cam ? vertex_normals(in.positions_cam, nv, in.faces, in.num_faces)
                                : screen_space_normals(
                                      in.screen_xyz, nv, in.faces, in.num_faces,
                                      isotropic_depth_scale(in.screen_xyz, in.faces, in.num_faces));
    normals = computed.data();
  }
  cv::Vec3f l = light.direction;
  const float ll = float(cv::norm(l));
  l = ll > 0 ? l / ll : cv::Vec3f(0, 0, -1);

  // Shaded subsamples (BGR, 0..255) and their coverage, box-filtered down below.
  cv::Mat color(sh, sw, CV_32FC3, cv::Scalar::all(0)), cover(sh, sw, CV_32F, cv::Scalar(0));
  for (int i = 0; i < sh; ++i) {
    cv::Vec3f* color_row = color.ptr<cv::Vec3f>(i);
    float* cover_row = cover.ptr<float>(i);
    for (int j = 0; j < sw; ++j) {
      const int64_t p = int64_t(i) * sw + j;
      const int32_t f = r.face_id[p];
      if (f < 0) continue;
      const int64_t* tri = in.faces + 3 * int64_t(f);
      const float* w = &r.bary[3 * p];
      cv::Vec3f n(0, 0, 0);
      for (int k = 0; k < 3; ++k) n += w[k] * cv::Vec3f(normals + 3 * tri[k]);
      const float len = float(cv::norm(n));
      if (len > 0) n /= len;
      const float cosine = n.dot(l);
      const float lambert = light.two_sided ? std::abs(cosine) : std::max(0.0f, cosine);
      const float shade = light.ambient + light.diffuse * lambert;
      const cv::Vec3f rgb = albedo(in, tri, w);
      for (int c = 0; c < 3; ++c)  // images are BGR
        color_row[j][c] = rgb[2 - c] * shade * light.tint[2 - c] * 255.0f;
      cover_row[j] = 1.0f;
    }
  }
  cv::Mat color_lo, cover_lo;
  cv::resize(color, color_lo, cv::Size(width, height), 0, 0, cv::INTER_AREA);
  cv::resize(cover, cover_lo, cv::Size(width, height), 0, 0, cv::INTER_AREA);

  RenderOutput out;
  out.color.create(height, width, CV_8UC3);
  out.mask.create(height, width, CV_8UC1);
  for (int i = 0; i < height; ++i) {
    const cv::Vec3b* bg_row = background.ptr<cv::Vec3b>(i);
    const cv::Vec3f* mesh_row = color_lo.ptr<cv::Vec3f>(i);
    const float* cover_row = cover_lo.ptr<float>(i);
    cv::Vec3b* out_row = out.color.ptr<cv::Vec3b>(i);
    uint8_t* mask_row = out.mask.ptr<uint8_t>(i);
    for (int j = 0; j < width; ++j) {
      const float a = cover_row[j];
      for (int c = 0; c < 3; ++c)
        out_row[j][c] = cv::saturate_cast<uint8_t>(mesh_row[j][c] + (1.0f - a) * bg_row[j][c]);
      mask_row[j] = cv::saturate_cast<uint8_t>(a * 255.0f);
    }
  }
  return out;
}

}  // namespace motioncue::geometry
