#include <gtest/gtest.h>

#include <cmath>

#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/ground_truth_flow.h"
#include "motioncue/geometry/primitives.h"

namespace g = motioncue::geometry;

namespace {

std::vector<float> screen_sphere(const g::TriangleMesh& m, float cx, float cy, float r) {
  std::vector<float> s(m.vertices.size());
  for (int64_t v = 0; v < m.num_vertices(); ++v) {
    s[3 * v] = cx + r * m.vertices[3 * v];
    s[3 * v + 1] = cy - r * m.vertices[3 * v + 1];
    s[3 * v + 2] = m.vertices[3 * v + 2];
  }
  return s;
}

}  // namespace

TEST(GroundTruthFlow, RigidTranslationIsConstant) {
  const auto m = g::icosphere(3);
  const auto s1 = screen_sphere(m, 30, 30, 20);
  auto s2 = s1;
  for (int64_t v = 0; v < m.num_vertices(); ++v) {
    s2[3 * v] += 3.25f;
    s2[3 * v + 1] -= 1.5f;
  }
  const auto gt = g::ground_truth_flow(s1.data(), s2.data(), m.num_vertices(), m.faces.data(),
                                       m.num_faces(), 64, 64, false);
  ASSERT_EQ(gt.flow.type(), CV_32FC2);
  int covered = 0;
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 64; ++j) {
      if (!gt.covered.at<uint8_t>(i, j)) {
        EXPECT_EQ(gt.visible_in_2.at<uint8_t>(i, j), 0);
        continue;
      }
      ++covered;
      const auto f = gt.flow.at<cv::Vec2f>(i, j);
      EXPECT_NEAR(f[0], 3.25, 1e-4);
      EXPECT_NEAR(f[1], -1.5, 1e-4);
      EXPECT_EQ(gt.visible_in_2.at<uint8_t>(i, j), 255) << i << "," << j;
    }
  EXPECT_NEAR(covered, M_PI * 20 * 20, 40);
}

TEST(GroundTruthFlow, InPlaneRotationMatchesTheAnalyticFlow) {
  const auto m = g::icosphere(3);
  const auto s1 = screen_sphere(m, 32, 32, 22);
  const double th = 0.2, c = std::cos(th), sn = std::sin(th), ox = 30.0, oy = 35.0;
  auto s2 = s1;
  for (int64_t v = 0; v < m.num_vertices(); ++v) {
    const double x = s1[3 * v] - ox, y = s1[3 * v + 1] - oy;
    s2[3 * v] = float(ox + c * x - sn * y);
    s2[3 * v + 1] = float(oy + sn * x + c * y);
  }
  const auto gt = g::ground_truth_flow(s1.data(), s2.data(), m.num_vertices(), m.faces.data(),
                                       m.num_faces(), 64, 64, false);
  int covered = 0;
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 64; ++j) {
      if (!gt.covered.at<uint8_t>(i, j)) continue;
      ++covered;
      const double x = j + 0.5 - ox, y = i + 0.5 - oy;
      const auto f = gt.flow.at<cv::Vec2f>(i, j);
      EXPECT_NEAR(f[0], c * x - sn * y - x, 2e-3);
      EXPECT_NEAR(f[1], sn * x + c * y - y, 2e-3);
    }
  EXPECT_GT(covered, 1000);
}

TEST(GroundTruthFlow, PerspectiveRotationOfASphereMatchesTheAnalyticFlowAndVisibility) {
  // A unit sphere 4 units in front of a pinhole camera turns 0.4 rad about its vertical axis.
  const auto m = g::icosphere(4);
  g::PinholeCamera cam{90, 90, 40, 40};
  cam.t = {0, 0, 4};
  const double th = 0.4, c = std::cos(th), sn = std::sin(th);
  std::vector<float> turned(m.vertices.size());
  for (int64_t v = 0; v < m.num_vertices(); ++v) {
    const float* p = &m.vertices[3 * v];
    turned[3 * v] = float(c * p[0] + sn * p[2]);
    turned[3 * v + 1] = p[1];
    turned[3 * v + 2] = float(-sn * p[0] + c * p[2]);
  }
  std::vector<float> s1(m.vertices.size()), s2(m.vertices.size());
  g::project_screen(cam, m.vertices.data(), m.num_vertices(), s1.data());
  g::project_screen(cam, turned.data(), m.num_vertices(), s2.data());
  const auto gt = g::ground_truth_flow(s1.data(), s2.data(), m.num_vertices(), m.faces.data(),
                                       m.num_faces(), 80, 80, true);
  int checked = 0, visible_checked = 0, hidden_checked = 0;
  for (int i = 0; i < 80; ++i)
    for (int j = 0; j < 80; ++j) {
      if (!gt.covered.at<uint8_t>(i, j)) continue;
      // Analytic: intersect the pixel's ray with the exact sphere, rotate the point, project.
      const double d[3] = {(j + 0.5 - 40) / 90, (i + 0.5 - 40) / 90, 1.0};
      const double dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      const double b = -2 * 4 * d[2], disc = b * b - 4 * dd * (16 - 1);
      if (disc < 0.05) continue;  // rays grazing the limb hit facets, not the sphere
      const double t = (-b - std::sqrt(disc)) / (2 * dd);
      const double p[3] = {t * d[0], t * d[1], t * d[2] - 4};  // model frame
      const double q[3] = {c * p[0] + sn * p[2], p[1], -sn * p[0] + c * p[2]};
      const auto uv = g::project(cam, {q[0], q[1], q[2]});
      const auto f = gt.flow.at<cv::Vec2f>(i, j);
      // the mesh is a polyhedron (icosphere, 4 subdivisions), so allow its facet error
      EXPECT_NEAR(f[0], uv.x - (j + 0.5), 0.1);
      EXPECT_NEAR(f[1], uv.y - (i + 0.5), 0.1);
      ++checked;
      // visible in frame 2 iff the rotated point faces the camera: (q - centre) . (q - eye) < 0
      const double facing = (q[0] * q[0] + q[1] * q[1] + q[2] * (q[2] + 4)) /
                            std::sqrt(q[0] * q[0] + q[1] * q[1] + (q[2] + 4) * (q[2] + 4));
      if (facing < -0.1) {
        EXPECT_EQ(gt.visible_in_2.at<uint8_t>(i, j), 255) << i << "," << j;
        ++visible_checked;
      } else if (facing > 0.1) {
        EXPECT_EQ(gt.visible_in_2.at<uint8_t>(i, j), 0) << i << "," << j;
        ++hidden_checked;
      }
    }
  EXPECT_GT(checked, 1500);
  EXPECT_GT(visible_checked, 1000);
  EXPECT_GT(hidden_checked, 10);
}

TEST(GroundTruthFlow, PointsCoveredByAnOccluderInFrame2AreNotVisible) {
  // A background square at depth 5 stays still; a small square at depth 1 moves over it.
  std::vector<float> s1 = {0, 0, 5, 40, 0, 5, 40, 40, 5, 0, 40, 5,
                           2, 2, 1, 10, 2, 1, 10, 10, 1, 2, 10, 1};
  const std::vector<int64_t> faces = {0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7};
  auto s2 = s1;
  for (int v = 4; v < 8; ++v) {
    s2[3 * v] += 20;
    s2[3 * v + 1] += 20;
  }
  const auto gt = g::ground_truth_flow(s1.data(), s2.data(), 8, faces.data(), 4, 40, 40, false);
  EXPECT_EQ(gt.visible_in_2.at<uint8_t>(25, 25), 0);    // background under the moved square
  EXPECT_EQ(gt.visible_in_2.at<uint8_t>(35, 35), 255);  // background elsewhere
  EXPECT_EQ(gt.visible_in_2.at<uint8_t>(5, 5), 255);    // the moving square itself
  EXPECT_EQ(gt.flow.at<cv::Vec2f>(5, 5), cv::Vec2f(20, 20));
  EXPECT_EQ(gt.flow.at<cv::Vec2f>(25, 25), cv::Vec2f(0, 0));
}
