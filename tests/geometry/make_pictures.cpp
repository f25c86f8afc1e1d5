// Writes the geometry pictures of docs/images (not a test): the open body model rendered with a
// solid texture over a background, its mask, the exact ground-truth flow to a second pose, and
// an overlay with keypoints beside a side view.
//   geometry_pictures <output folder>
#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "motioncue/body/body_model.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/flow_color.h"
#include "motioncue/geometry/ground_truth_flow.h"
#include "motioncue/geometry/overlay.h"
#include "motioncue/geometry/renderer.h"

namespace g = motioncue::geometry;
namespace fs = std::filesystem;

namespace {

void save(const fs::path& file, const cv::Mat& image) {
  std::vector<uint8_t> bytes;
  if (!cv::imencode(".png", image, bytes)) throw motioncue::Error("cannot encode").file(file);
  motioncue::write_file_atomic(file, bytes);
  std::printf("wrote %s\n", file.c_str());
}

// Axis-angle pose (72): turned to face the camera (180 deg about x, so y points down), arms
// lowered, one leg forward; `phase` moves the limbs a little for the second frame.
at::Tensor pose(double phase, double turn) {
  auto p = torch::zeros({1, 72}, torch::kFloat64);
  auto set = [&](int joint, double x, double y, double z) {
    p[0][3 * joint] = x;
    p[0][3 * joint + 1] = y;
    p[0][3 * joint + 2] = z;
  };
  // root: 180 deg about x, then `turn` about the vertical; compose as one rotation
  const auto rx = cv::Matx33d(1, 0, 0, 0, -1, 0, 0, 0, -1);
  const auto ry =
      cv::Matx33d(std::cos(turn), 0, std::sin(turn), 0, 1, 0, -std::sin(turn), 0, std::cos(turn));
  const cv::Matx33d r = ry * rx;
  auto rt = torch::zeros({1, 3, 3}, torch::kFloat64);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) rt[0][i][j] = r(i, j);
  const auto aa = motioncue::body::matrix_to_axis_angle(rt)[0];
  set(0, aa[0].item<double>(), aa[1].item<double>(), aa[2].item<double>());
  set(1, -0.35 - phase, 0, 0.05);  // L hip
  set(2, 0.25 + phase, 0, -0.05);  // R hip
  set(4, 0.3, 0, 0);               // L knee
  set(5, 0.5 + phase, 0, 0);       // R knee
  set(16, 0, 0, -1.1 + phase);     // L shoulder
  set(17, 0, 0, 1.1 + phase);      // R shoulder
  set(18, 0, -0.6 - phase, 0);     // L elbow
  set(19, 0, 0.4, 0);              // R elbow
  set(15, 0.15, 0.2 * phase, 0);   // head
  return p;
}

struct Posed {
  std::vector<float> cam_xyz, screen;
  std::vector<cv::Point2f> keypoints;
};

Posed pose_body(const motioncue::body::BodyModel& model, const at::Tensor& p,
                const g::PinholeCamera& cam) {
  const auto out =
      model.forward_axis_angle(p.to(model.dtype()), torch::zeros({1, 10}, model.dtype()));
  const auto verts = out.vertices[0].to(torch::kFloat32).contiguous();
  Posed r;
  const int64_t nv = verts.size(0);
  r.cam_xyz.resize(nv * 3);
  r.screen.resize(nv * 3);
  const float* v = verts.data_ptr<float>();
  for (int64_t i = 0; i < nv; ++i) {
    const cv::Vec3d c = g::to_camera(cam, {v[3 * i], v[3 * i + 1], v[3 * i + 2]});
    for (int k = 0; k < 3; ++k) r.cam_xyz[3 * i + k] = float(c[k]);
  }
  g::project_screen(cam, v, nv, r.screen.data());
  const auto kp = g::perspective_project(out.keypoints.to(torch::kFloat64), cam)[0];
  for (int k = 0; k < 24; ++k)
    r.keypoints.emplace_back(float(kp[k][0].item<double>()), float(kp[k][1].item<double>()));
  return r;
}

cv::Mat background(int size) {
  cv::Mat bg(size, size, CV_8UC3);
  for (int i = 0; i < size; ++i)
    for (int j = 0; j < size; ++j) {
      const bool check = ((i / 20) + (j / 20)) % 2;
      const int shade = 150 + int(60.0 * i / size);
      bg.at<cv::Vec3b>(i, j) = check ? cv::Vec3b(shade, shade - 20, shade - 40)
                                     : cv::Vec3b(shade - 30, shade - 45, shade - 60);
    }
  return bg;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc != 2) {
    std::fprintf(stderr, "usage: geometry_pictures <output folder>\n");
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  const auto model = motioncue::body::load_default_model();
  const auto faces = model.faces().contiguous();
  const int64_t nf = faces.size(0), nv = model.num_vertices();
  const int64_t* f = faces.data_ptr<int64_t>();
  const auto rest = model.template_vertices().to(torch::kFloat32).contiguous();
  const auto parts = model.part_labels().defined()
                         ? model.part_labels().to(torch::kInt64).contiguous()
                         : torch::zeros({nv}, torch::kInt64);
  std::printf("open body: %ld vertices, %ld faces\n", long(nv), long(nf));

  const int size = 320;
  g::PinholeCamera cam{520, 520, size / 2.0, size / 2.0};
  cam.t = {0, 0.1, 3.6};
  const Posed a = pose_body(model, pose(0.0, 0.35), cam);
  const Posed b = pose_body(model, pose(0.15, 0.6), cam);

  // Solid texture: a 6 cm 3D checker on the rest pose, tinted per body part.
  auto texture = [](const cv::Vec3f& p, int part) {
    const int cell = int(std::floor(p[0] / 0.06f)) + int(std::floor(p[1] / 0.06f)) +
                     int(std::floor(p[2] / 0.06f));
    const float hue = float((part * 47) % 360);
    cv::Mat3f hsv(1, 1, cv::Vec3f(hue, 0.45f, (cell & 1) ? 0.95f : 0.6f)), rgb;
    cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
    return rgb(0, 0);
  };
  g::RenderInput in;
  in.screen_xyz = a.screen.data();
  in.num_vertices = nv;
  in.faces = f;
  in.num_faces = nf;
  in.positions_cam = a.cam_xyz.data();
  in.solid_texture = texture;
  in.rest_positions = rest.data_ptr<float>();
  in.vertex_parts = parts.data_ptr<int64_t>();
  in.perspective = true;
  const auto frame = g::render(in, background(size), {}, 3);
  save(dir / "geometry_render.png", frame.color);
  save(dir / "geometry_mask.png", frame.mask);

  const auto gt =
      g::ground_truth_flow(a.screen.data(), b.screen.data(), nv, f, nf, size, size, true);
  cv::Mat flow_img = g::flow_to_color(gt.flow, -1.0f, gt.covered);
  for (int i = 0; i < size; ++i)  // points hidden in frame 2: dimmed
    for (int j = 0; j < size; ++j)
      if (gt.covered.at<uint8_t>(i, j) && !gt.visible_in_2.at<uint8_t>(i, j))
        flow_img.at<cv::Vec3b>(i, j) = flow_img.at<cv::Vec3b>(i, j) / 3;
  in.screen_xyz = b.screen.data();
  in.positions_cam = b.cam_xyz.data();
  const auto frame2 = g::render(in, background(size), {}, 3);
  cv::Mat flow_row;
  cv::hconcat(std::vector<cv::Mat>{frame.color, frame2.color, flow_img}, flow_row);
  save(dir / "geometry_flow.png", flow_row);

  cv::Mat over =
      g::overlay_mesh(frame.color, a.screen.data(), nv, f, nf, 0.6f, {200, 180, 120}, true);
  g::draw_keypoints(over, a.keypoints, std::vector<float>(24, 1.0f), true);
  // side view from the camera-frame mesh in pixel-like units: depth scaled by f / z of the body
  std::vector<float> ortho(nv * 3);
  for (int64_t v = 0; v < nv; ++v) {
    ortho[3 * v] = a.screen[3 * v];
    ortho[3 * v + 1] = a.screen[3 * v + 1];
    ortho[3 * v + 2] = a.cam_xyz[3 * v + 2];
  }
  const cv::Mat side = g::side_view({size, size}, ortho.data(), nv, f, nf, {200, 180, 120},
                                    float(cam.fx / cam.t[2]));
  cv::Mat overlay_row;
  cv::hconcat(std::vector<cv::Mat>{over, side}, overlay_row);
  save(dir / "geometry_overlay.png", overlay_row);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "geometry_pictures: error: %s\n", e.what());
  return 1;
}
