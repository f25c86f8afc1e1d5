#include <gtest/gtest.h>

#include <cmath>

#include "motioncue/core/error.h"
#include "motioncue/geometry/flow_color.h"
#include "motioncue/geometry/overlay.h"
#include "motioncue/geometry/preview_render.h"
#include "motioncue/geometry/primitives.h"
#include "motioncue/geometry/renderer.h"

namespace g = motioncue::geometry;

namespace {

// Two triangles covering [x0, x1] x [y0, y1] at depth z.
struct Quad {
  std::vector<float> xyz;
  std::vector<int64_t> faces = {0, 1, 2, 0, 2, 3};
  Quad(float x0, float y0, float x1, float y1, float z = 2.0f)
      : xyz{x0, y0, z, x1, y0, z, x1, y1, z, x0, y1, z} {}
};

g::RenderInput input_for(const Quad& q, const float* colors = nullptr) {
  g::RenderInput in;
  in.screen_xyz = q.xyz.data();
  in.num_vertices = 4;
  in.faces = q.faces.data();
  in.num_faces = 2;
  in.vertex_colors = colors;
  return in;
}

}  // namespace

TEST(Renderer, MaskIsTheCoveredFractionAndBackgroundShowsElsewhere) {
  const Quad q(8.0f, 8.0f, 24.5f, 24.0f);
  const cv::Mat bg(32, 32, CV_8UC3, cv::Scalar(10, 20, 30));
  const auto out = g::render(input_for(q), bg, {}, 2);
  ASSERT_EQ(out.mask.type(), CV_8UC1);
  ASSERT_EQ(out.color.size(), bg.size());
  EXPECT_EQ(out.mask.at<uint8_t>(16, 16), 255);
  EXPECT_EQ(out.mask.at<uint8_t>(16, 7), 0);
  EXPECT_EQ(out.mask.at<uint8_t>(7, 16), 0);
  EXPECT_EQ(out.mask.at<uint8_t>(16, 25), 0);
  EXPECT_NEAR(out.mask.at<uint8_t>(16, 24), 128, 1);  // right edge at 24.5: half the subsamples
  EXPECT_EQ(out.color.at<cv::Vec3b>(2, 2), cv::Vec3b(10, 20, 30));
  // Half-covered pixel: half mesh colour, half background.
  const cv::Vec3b full = out.color.at<cv::Vec3b>(16, 16), half = out.color.at<cv::Vec3b>(16, 24);
  for (int c = 0; c < 3; ++c)
    EXPECT_NEAR(half[c], 0.5 * (full[c] + bg.at<cv::Vec3b>(0, 0)[c]), 1.5);
}

TEST(Renderer, LambertShadingAndVertexColours) {
  const Quad q(0, 0, 16, 16);
  const std::vector<float> red(12, 0.0f);
  std::vector<float> colors = red;
  for (int v = 0; v < 4; ++v) colors[3 * v] = 1.0f;                    // RGB red
  const float normals[12] = {0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1};  // facing the camera
  auto in = input_for(q, colors.data());
  in.normals_cam = normals;
  const cv::Mat bg(16, 16, CV_8UC3, cv::Scalar::all(0));
  g::Lighting head_on;
  head_on.direction = {0, 0, -1};
  const auto lit = g::render(in, bg, head_on, 1);
  EXPECT_EQ(lit.color.at<cv::Vec3b>(8, 8), cv::Vec3b(0, 0, 255));  // BGR: ambient + diffuse = 1
  g::Lighting grazing;
  grazing.direction = {1, 0, 0};
  const auto dim = g::render(in, bg, grazing, 1);
  EXPECT_NEAR(dim.color.at<cv::Vec3b>(8, 8)[2], 0.35 * 255, 1.0);  // ambient only
  EXPECT_EQ(dim.color.at<cv::Vec3b>(8, 8)[0], 0);
}

TEST(Renderer, LightingDirectionPointsTowardsTheLightAndOneSidedIgnoresTheBack) {
  // A white square facing the camera (outward normal -z). A light on the camera's side
  // (direction -z, towards the light) lights it fully; a light behind it (+z) lights only its
  // back: one-sided shading leaves the ambient term, two-sided shading cannot tell the two apart.
  const Quad q(0, 0, 16, 16);
  const std::vector<float> white(12, 1.0f);
  const float normals[12] = {0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1};
  auto in = input_for(q, white.data());
  in.normals_cam = normals;
  const cv::Mat bg(16, 16, CV_8UC3, cv::Scalar::all(0));
  auto grey = [&](cv::Vec3f direction, bool two_sided) {
    g::Lighting light;
    light.direction = direction;
    light.two_sided = two_sided;
    return g::render(in, bg, light, 1).color.at<cv::Vec3b>(8, 8)[1];
  };
  const int front = grey({0, 0, -1}, false), back = grey({0, 0, 1}, false);
  EXPECT_EQ(front, 255);               // ambient + diffuse = 1
  EXPECT_NEAR(back, 0.35 * 255, 1.0);  // ambient only
  EXPECT_GT(front, back);
  EXPECT_EQ(grey({0, 0, -1}, true), front);
  EXPECT_EQ(grey({0, 0, 1}, true), front);
  // 45 degrees: cos = 0.707 either way round; the direction need not be unit length.
  EXPECT_NEAR(grey({0, 3, -3}, false), (0.35 + 0.65 * M_SQRT1_2) * 255, 1.0);
  // The tint is an RGB gain of the light.
  g::Lighting tinted;
  tinted.direction = {0, 0, -1};
  tinted.tint = {1.0f, 0.5f, 0.25f};
  EXPECT_EQ(g::render(in, bg, tinted, 1).color.at<cv::Vec3b>(8, 8), cv::Vec3b(64, 128, 255));
}

TEST(Renderer, SolidTextureMovesWithTheSurface) {
  // A striped solid texture on a finely tessellated square; translating the screen points by a
  // whole number of pixels shifts the picture by exactly that much.
  auto m = g::grid_square(8, 4.0f, 4.0f, 20.0f, 3.0f);
  const std::vector<float> rest = m.vertices;
  g::RenderInput in;
  in.num_vertices = m.num_vertices();
  in.faces = m.faces.data();
  in.num_faces = m.num_faces();
  in.rest_positions = rest.data();
  in.perspective = false;
  int calls = 0;
  in.solid_texture = [&calls](const cv::Vec3f& p, int part) {
    ++calls;
    EXPECT_EQ(part, -1);
    const float s = 0.5f + 0.5f * std::sin(p[0] * 0.9f + p[1] * 0.4f);
    return cv::Vec3f(s, 1.0f - s, 0.3f);
  };
  const cv::Mat bg(40, 40, CV_8UC3, cv::Scalar::all(0));
  in.screen_xyz = m.vertices.data();
  const auto a = g::render(in, bg, {}, 2);
  EXPECT_GT(calls, 0);
  auto moved = m.vertices;
  for (int64_t v = 0; v < m.num_vertices(); ++v) {
    moved[3 * v] += 7;
    moved[3 * v + 1] += 5;
  }
  in.screen_xyz = moved.data();
  const auto b = g::render(in, bg, {}, 2);
  int checked = 0;
  for (int i = 4; i < 24; ++i)
    for (int j = 4; j < 24; ++j) {
      ASSERT_EQ(a.color.at<cv::Vec3b>(i, j), b.color.at<cv::Vec3b>(i + 5, j + 7)) << i << "," << j;
      ++checked;
    }
  EXPECT_EQ(checked, 400);
  // and the texture is not constant
  EXPECT_NE(a.color.at<cv::Vec3b>(10, 6), a.color.at<cv::Vec3b>(10, 12));
}

TEST(Renderer, RejectsBadInput) {
  const Quad q(0, 0, 4, 4);
  EXPECT_THROW(g::render(input_for(q), cv::Mat(), {}, 2), motioncue::Error);
  EXPECT_THROW(g::render(input_for(q), cv::Mat(4, 4, CV_8UC3), {}, 0), motioncue::Error);
  auto in = input_for(q);
  in.solid_texture = [](const cv::Vec3f&, int) { return cv::Vec3f(1, 1, 1); };
  EXPECT_THROW(g::render(in, cv::Mat(4, 4, CV_8UC3), {}, 1), motioncue::Error);
}

TEST(FlowColor, WhiteAtRestSaturatedHuesByDirectionBlackWhereMasked) {
  cv::Mat flow(1, 4, CV_32FC2);
  flow.at<cv::Vec2f>(0, 0) = {0, 0};
  flow.at<cv::Vec2f>(0, 1) = {1, 0};
  flow.at<cv::Vec2f>(0, 2) = {-1, 0};
  flow.at<cv::Vec2f>(0, 3) = {0, 1};
  const auto c = g::flow_to_color(flow, 1.0f);
  EXPECT_EQ(c.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
  EXPECT_NE(c.at<cv::Vec3b>(0, 1), c.at<cv::Vec3b>(0, 2));
  EXPECT_NE(c.at<cv::Vec3b>(0, 1), c.at<cv::Vec3b>(0, 3));
  // unit flow is fully saturated: some channel is 0-ish
  for (int k = 1; k < 4; ++k) {
    const auto px = c.at<cv::Vec3b>(0, k);
    EXPECT_LT(std::min({px[0], px[1], px[2]}), 60);
  }
  cv::Mat mask(1, 4, CV_8UC1, cv::Scalar(255));
  mask.at<uint8_t>(0, 1) = 0;
  EXPECT_EQ(g::flow_to_color(flow, 1.0f, mask).at<cv::Vec3b>(0, 1), cv::Vec3b(0, 0, 0));
  EXPECT_THROW(g::flow_to_color(cv::Mat(2, 2, CV_32FC1)), motioncue::Error);
}

TEST(Overlay, BlendsOnlyWhereTheMeshIs) {
  const Quad q(4, 4, 12, 12);
  cv::Mat image(16, 16, CV_8UC3, cv::Scalar(0, 100, 0));
  const auto over = g::overlay_mesh(image, q.xyz.data(), 4, q.faces.data(), 2, 0.6f);
  EXPECT_EQ(over.at<cv::Vec3b>(1, 1), image.at<cv::Vec3b>(1, 1));
  EXPECT_NE(over.at<cv::Vec3b>(8, 8), image.at<cv::Vec3b>(8, 8));
  const auto none = g::overlay_mesh(image, q.xyz.data(), 4, q.faces.data(), 2, 0.0f);
  EXPECT_EQ(cv::norm(none, image, cv::NORM_INF), 0.0);
}

TEST(Overlay, KeypointsAreDrawnWhereConfident) {
  cv::Mat image(64, 64, CV_8UC3, cv::Scalar::all(0));
  std::vector<cv::Point2f> pts(24, {-10.0f, -10.0f});
  std::vector<float> conf(24, 0.0f);
  pts[0] = {20.5f, 30.5f};  // R ankle
  pts[1] = {40.5f, 30.5f};  // R knee
  conf[0] = conf[1] = 1.0f;
  pts[5] = {10.5f, 10.5f};  // confidence 0: not drawn
  g::draw_keypoints(image, pts, conf, true);
  EXPECT_GT(cv::norm(image.at<cv::Vec3b>(30, 20)), 0);
  EXPECT_GT(cv::norm(image.at<cv::Vec3b>(30, 30)), 0);  // the limb between them
  EXPECT_EQ(cv::norm(image.at<cv::Vec3b>(10, 10)), 0);
  EXPECT_THROW(g::draw_keypoints(image, pts, std::vector<float>(3, 1.0f)), motioncue::Error);
}

TEST(Overlay, SideViewShowsTheDepthExtent) {
  // An ellipsoid 40 px wide and 10 px deep (depth_scale 1): seen from the side it is 10 px wide.
  auto s = g::icosphere(3);
  for (int64_t v = 0; v < s.num_vertices(); ++v) {
    s.vertices[3 * v] = 32 + 20 * s.vertices[3 * v];
    s.vertices[3 * v + 1] = 32 + 20 * s.vertices[3 * v + 1];
    s.vertices[3 * v + 2] = 5 * s.vertices[3 * v + 2];
  }
  const auto side = g::side_view({64, 64}, s.vertices.data(), s.num_vertices(), s.faces.data(),
                                 s.num_faces(), {200, 180, 120}, 1.0f);
  ASSERT_EQ(side.size(), cv::Size(64, 64));
  const cv::Vec3b bg(40, 40, 40);
  int width = 0;
  for (int j = 0; j < 64; ++j) width += side.at<cv::Vec3b>(32, j) != bg;
  EXPECT_GE(width, 9);
  EXPECT_LE(width, 12);
  int height = 0;
  for (int i = 0; i < 64; ++i) height += side.at<cv::Vec3b>(i, 32) != bg;
  EXPECT_GE(height, 39);
}

TEST(Preview, LitFromTheUpperLeftWithOneScaleForAllViews) {
  // A unit sphere seen from the front and the side: two equal discs on white, brighter at the
  // upper left (where the preview's light comes from) than at the lower right.
  const auto s = g::icosphere(3);
  g::PreviewMesh mesh;
  mesh.vertices.assign(s.vertices.begin(), s.vertices.end());
  for (int64_t f = 0; f < s.num_faces(); ++f)
    mesh.faces.push_back({s.faces[3 * f], s.faces[3 * f + 1], s.faces[3 * f + 2]});
  const cv::Mat image = g::render_preview({mesh}, {0, 90}, 64);
  ASSERT_EQ(image.size(), cv::Size(128, 64));
  const cv::Vec3b white(255, 255, 255);
  for (int tile = 0; tile < 2; ++tile) {
    int width = 0;
    for (int j = 0; j < 64; ++j) width += image.at<cv::Vec3b>(32, 64 * tile + j) != white;
    EXPECT_NEAR(width, 0.9 * 64, 2);
    EXPECT_EQ(image.at<cv::Vec3b>(1, 64 * tile + 1), white);
  }
  EXPECT_GT(image.at<cv::Vec3b>(20, 20)[1], image.at<cv::Vec3b>(44, 44)[1] + 50);
}
