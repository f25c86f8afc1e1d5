#include "motioncue/geometry/renderer.h"

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

}  // namespace

RenderOutput render(const RenderInput& in, const cv::Mat& background, const Lighting& light,
                    int supersample) {
  check(in, background, supersample);
  const int height = background.rows, width = background.cols, ss = supersample;
  const int64_t nv = in.num_vertices;

  std::vector<float> scaled(in.screen_xyz, in.screen_xyz + 3 * nv);
  for (int64_t v = 0; v < nv; ++v) {
    scaled[3 * v] *= float(ss);
    scaled[3 * v + 1] *= float(ss);
  }
  RasterResult r;
  RasterOptions options;
  options.perspective_correct = in.perspective;
  rasterize_into(scaled.data(), nv, in.faces, in.num_faces, height * ss, width * ss, options, r);

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

  RenderOutput out;
  out.color.create(height, width, CV_8UC3);
  out.mask.create(height, width, CV_8UC1);
  const float inv_n = 1.0f / float(ss * ss);
  const int sw = width * ss;
  for (int i = 0; i < height; ++i) {
    const cv::Vec3b* bg_row = background.ptr<cv::Vec3b>(i);
    cv::Vec3b* out_row = out.color.ptr<cv::Vec3b>(i);
    uint8_t* mask_row = out.mask.ptr<uint8_t>(i);
    for (int j = 0; j < width; ++j) {
      cv::Vec3f sum(0, 0, 0);  // RGB
      int covered = 0;
      for (int si = 0; si < ss; ++si)
        for (int sj = 0; sj < ss; ++sj) {
          const int64_t p = int64_t(i * ss + si) * sw + (j * ss + sj);
          const int32_t f = r.face_id[p];
          if (f < 0) continue;
          ++covered;
          const int64_t* tri = in.faces + 3 * int64_t(f);
          const float* b = &r.bary[3 * p];
          cv::Vec3f n(0, 0, 0), colour(0.75f, 0.75f, 0.75f);
          for (int k = 0; k < 3; ++k) {
            const float* nk = normals + 3 * tri[k];
            n += b[k] * cv::Vec3f(nk[0], nk[1], nk[2]);
          }
          const float nn = float(cv::norm(n));
          const float lambert = nn > 0 ? std::abs(n.dot(l)) / nn : 1.0f;
          if (in.solid_texture) {
            cv::Vec3f rest(0, 0, 0);
            int dominant = 0;
            for (int k = 0; k < 3; ++k) {
              const float* rk = in.rest_positions + 3 * tri[k];
              rest += b[k] * cv::Vec3f(rk[0], rk[1], rk[2]);
              if (b[k] > b[dominant]) dominant = k;
            }
            const int part = in.vertex_parts ? int(in.vertex_parts[tri[dominant]]) : -1;
            colour = in.solid_texture(rest, part);
          } else if (in.vertex_colors) {
            colour = cv::Vec3f(0, 0, 0);
            for (int k = 0; k < 3; ++k) {
              const float* ck = in.vertex_colors + 3 * tri[k];
              colour += b[k] * cv::Vec3f(ck[0], ck[1], ck[2]);
            }
          }
          sum += colour * (light.ambient + light.diffuse * lambert);
        }
      const float cover = float(covered) * inv_n;
      const cv::Vec3b bg = bg_row[j];
      for (int c = 0; c < 3; ++c) {  // sum is RGB, images are BGR
        const float mesh = std::clamp(sum[2 - c] * inv_n * 255.0f, 0.0f, 255.0f * cover);
        out_row[j][c] = cv::saturate_cast<uint8_t>(mesh + (1.0f - cover) * float(bg[c]));
      }
      mask_row[j] = cv::saturate_cast<uint8_t>(cover * 255.0f);
    }
  }
  return out;
}

}  // namespace motioncue::geometry
