#include "motioncue/synth/shot_renderer.h"

#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "motioncue/body/body_model.h"
#include "motioncue/geometry/ground_truth_flow.h"
#include "motioncue/geometry/renderer.h"

namespace motioncue::synth {
namespace {

cv::Mat shifted_background(const cv::Mat& big, int margin, const cv::Point2d& shift, int w, int h) {
  // Frame t shows the background point seen at p - shift in frame 0.
  const cv::Matx23d m(1, 0, margin - shift.x, 0, 1, margin - shift.y);
  cv::Mat out;
  cv::warpAffine(big, out, m, cv::Size(w, h), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  return out;
}

cv::Mat composite(const cv::Mat& under, const Occluder& occ) {
  if (occ.alpha.empty()) return under;
  cv::Mat u, c, out;
  under.convertTo(u, CV_32FC3);
  occ.color.convertTo(c, CV_32FC3);
  cv::Mat a3;
  cv::merge(std::vector<cv::Mat>{occ.alpha, occ.alpha, occ.alpha}, a3);
  out = u.mul(cv::Scalar::all(1.0) - a3) + c.mul(a3);
  out.convertTo(out, CV_8UC3);
  return out;
}

bool occluded(const Occluder& occ, double x, double y) {
  if (occ.alpha.empty()) return false;
  const int i = static_cast<int>(std::floor(y)), j = static_cast<int>(std::floor(x));
  if (i < 0 || j < 0 || i >= occ.alpha.rows || j >= occ.alpha.cols) return false;
  return occ.alpha.at<float>(i, j) >= 0.5f;
}

// geometry's exact flow from screen1 to screen2, NaN where frame 1 shows no body there, where
// that surface point is hidden in frame 2 or leaves the image, or where an occluder covers the
// pixel in frame 1 or the point in frame 2.
cv::Mat exact_flow(const float* screen1, const float* screen2, const BodyAssets& a, int height,
                   int width, const Occluder& occ) {
  const geometry::GroundTruthFlow gt =
      geometry::ground_truth_flow(screen1, screen2, a.num_vertices, a.faces.data(), a.num_faces,
                                  height, width, /*perspective_correct=*/true);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  cv::Mat flow(height, width, CV_32FC2, cv::Scalar(nan, nan));
  for (int i = 0; i < height; ++i)
    for (int j = 0; j < width; ++j) {
      if (!gt.visible_in_2.at<std::uint8_t>(i, j)) continue;
      const cv::Vec2f f = gt.flow.at<cv::Vec2f>(i, j);
      if (occluded(occ, j + 0.5, i + 0.5) || occluded(occ, j + 0.5 + f[0], i + 0.5 + f[1]))
        continue;
      flow.at<cv::Vec2f>(i, j) = f;
    }
  return flow;
}

// The body's solid textures (appearance.h) shaded by geometry's renderer over the background.
cv::Mat render_body(const float* screen, const float* positions_cam, const BodyAssets& a,
                    const Subject& subject, const geometry::Lighting& light,
                    const cv::Mat& background, int supersample) {
  geometry::RenderInput in;
  in.screen_xyz = screen;
  in.num_vertices = a.num_vertices;
  in.faces = a.faces.data();
  in.num_faces = a.num_faces;
  in.positions_cam = positions_cam;
  in.rest_positions = a.rest_vertices.data();
  in.vertex_parts = subject.regions.data();
  in.solid_texture = [&subject](const cv::Vec3f& rest, int region) {
    const cv::Vec3f bgr = surface_color(subject.appearance, rest, region);
    return cv::Vec3f(bgr[2], bgr[1], bgr[0]);
  };
  return geometry::render(in, background, light, supersample).color;
}

}  // namespace

BodyAssets make_body_assets(const body::BodyModel& model) {
  BodyAssets a;
  a.model = &model;
  const at::Tensor faces = model.faces().to(at::kLong).contiguous();
  a.faces.assign(faces.data_ptr<std::int64_t>(), faces.data_ptr<std::int64_t>() + faces.numel());
  a.num_faces = faces.size(0);
  const at::Tensor v = model.template_vertices().to(at::kCPU, at::kFloat).contiguous();
  a.rest_vertices.assign(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
  a.num_vertices = v.size(0);
  const at::Tensor j = model.rest_joints().to(at::kCPU, at::kFloat).contiguous();
  a.layout = rest_layout(j.data_ptr<float>());
  return a;
}

void box_from_points(const std::vector<cv::Point2d>& points, double padding, double center_jitter,
                     double scale_jitter, std::mt19937_64& rng, cv::Point2d& center,
                     double& scale) {
  double x0 = 1e30, y0 = 1e30, x1 = -1e30, y1 = -1e30;
  for (const auto& p : points) {
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  const double side = std::max(x1 - x0, y1 - y0) * padding;
  std::normal_distribution<double> n(0.0, 1.0);
  auto clipped = [&]() { return std::clamp(n(rng), -2.0, 2.0); };
  center = {0.5 * (x0 + x1) + center_jitter * side * clipped(),
            0.5 * (y0 + y1) + center_jitter * side * clipped()};
  scale = side / 200.0 * std::exp(scale_jitter * clipped());
}

ShotOutput render_shot(const BodyAssets& a, const ShotInput& in, std::mt19937_64& box_rng) {
  c10::InferenceMode guard;
  const int T = static_cast<int>(in.poses.size());
  const std::int64_t V = a.num_vertices;
  ShotOutput out;
  out.frames = T;

  // Body parameters in each frame's camera frame.
  std::vector<double> pose72(T * 72);
  for (int t = 0; t < T; ++t) {
    const cv::Matx33d root = in.cameras.frames[t].R * in.poses[t].root_rotation;
    const auto aa = to_axis_angle_pose(in.poses[t], root);
    std::copy(aa.begin(), aa.end(), pose72.begin() + t * 72);
  }
  const at::Tensor pose = torch::from_blob(pose72.data(), {T, 72}, at::kDouble).to(at::kFloat);
  const at::Tensor betas =
      torch::from_blob(const_cast<float*>(in.subject->betas.data()),
                       {1, static_cast<std::int64_t>(in.subject->betas.size())}, at::kFloat)
          .expand({T, -1})
          .contiguous();
  const body::BodyOutput body = a.model->forward_axis_angle(
      pose.to(a.model->device(), a.model->dtype()), betas.to(a.model->device(), a.model->dtype()));
  const at::Tensor verts = body.vertices.to(at::kCPU, at::kFloat).contiguous();
  const at::Tensor joints = body.joints.to(at::kCPU, at::kFloat).contiguous();
  const at::Tensor kps = body.keypoints.to(at::kCPU, at::kFloat).contiguous();
  const float* vp = verts.data_ptr<float>();
  const float* jp = joints.data_ptr<float>();
  const float* kp = kps.data_ptr<float>();

  out.pose = pose72;
  std::vector<std::vector<float>> screens(T, std::vector<float>(V * 3));
  for (int t = 0; t < T; ++t) {
    const geometry::PinholeCamera& cam = in.cameras.frames[t];
    const cv::Vec3d pelvis = geometry::to_camera(cam, in.poses[t].root_position);
    const cv::Vec3d trans = pelvis - cv::Vec3d(jp[t * 72], jp[t * 72 + 1], jp[t * 72 + 2]);
    for (int k = 0; k < 3; ++k) out.trans.push_back(trans[k]);
    for (float b : in.subject->betas) out.betas.push_back(b);
    out.focal.push_back(cam.fx), out.focal.push_back(cam.fy);
    out.principal.push_back(cam.cx), out.principal.push_back(cam.cy);
    // Vertices and keypoints in the camera frame, projected.
    std::vector<float>& s = screens[t];
    std::vector<cv::Point2d> silhouette;
    silhouette.reserve(V);
    for (std::int64_t i = 0; i < V; ++i) {
      const float* p = vp + (t * V + i) * 3;
      const cv::Vec3d x(p[0] + trans[0], p[1] + trans[1], p[2] + trans[2]);
      const cv::Point2d uv = geometry::project_camera_point(cam, x);
      s[3 * i] = static_cast<float>(uv.x);
      s[3 * i + 1] = static_cast<float>(uv.y);
      s[3 * i + 2] = static_cast<float>(x[2]);
      silhouette.push_back(uv);
    }
    for (int k = 0; k < 24; ++k) {
      const float* p = kp + (t * 24 + k) * 3;
      const cv::Vec3d x(p[0] + trans[0], p[1] + trans[1], p[2] + trans[2]);
      const cv::Point2d uv = geometry::project_camera_point(cam, x);
      for (int d = 0; d < 3; ++d) out.joints3d.push_back(x[d]);
      const bool inside = x[2] > 0 && uv.x >= 0 && uv.y >= 0 && uv.x < in.width && uv.y < in.height;
      out.joints2d.push_back(uv.x);
      out.joints2d.push_back(uv.y);
      out.joints2d.push_back(inside && !occluded(in.occluder, uv.x, uv.y) ? 1.0 : 0.0);
    }
    cv::Point2d c;
    double scale;
    box_from_points(silhouette, in.box_padding, in.box_center_jitter, in.box_scale_jitter, box_rng,
                    c, scale);
    out.center.push_back(c.x), out.center.push_back(c.y);
    out.scale.push_back(scale);

    if (!in.render) continue;
    std::vector<float> xyz(V * 3);  // camera frame, for the normals
    for (std::int64_t i = 0; i < V; ++i)
      for (int d = 0; d < 3; ++d)
        xyz[3 * i + d] = vp[(t * V + i) * 3 + d] + static_cast<float>(trans[d]);
    const cv::Mat bg = shifted_background(in.background, in.margin, in.cameras.background_shift[t],
                                          in.width, in.height);
    out.images.push_back(
        composite(render_body(s.data(), xyz.data(), a, *in.subject, in.light, bg, in.supersample),
                  in.occluder));
  }

  if (in.flow) {
    for (int t = 0; t + 1 < T; ++t) {
      out.flow_forward.push_back(exact_flow(screens[t].data(), screens[t + 1].data(), a, in.height,
                                            in.width, in.occluder));
      out.flow_backward.push_back(exact_flow(screens[t + 1].data(), screens[t].data(), a, in.height,
                                             in.width, in.occluder));
      double sum = 0;
      std::int64_t n = 0;
      const cv::Mat& f = out.flow_forward.back();
      for (int i = 0; i < f.rows; ++i)
        for (int j = 0; j < f.cols; ++j) {
          const cv::Vec2f v = f.at<cv::Vec2f>(i, j);
          if (std::isfinite(v[0])) sum += std::hypot(v[0], v[1]), ++n;
        }
      out.flow_mean_px.push_back(n ? sum / n : 0.0);
    }
  }
  return out;
}

}  // namespace motioncue::synth
