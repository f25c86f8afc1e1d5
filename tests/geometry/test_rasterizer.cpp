#include <gtest/gtest.h>

#include <torch/torch.h>

#include <cmath>
#include <random>

#include "motioncue/core/error.h"
#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/primitives.h"
#include "motioncue/geometry/rasterizer.h"
#include "reference_raster.h"

namespace g = motioncue::geometry;
namespace gt = motioncue::geometry::testing;

namespace {

// Compares the rasteriser with the ray cast; pixels that are exact ties (a centre on an edge, or
// two surfaces at nearly the same depth) are skipped and counted.
void expect_matches_ray_cast(const g::RasterResult& r, const std::vector<gt::RayHit>& hits,
                             int* ties, int* covered) {
  *ties = 0;
  *covered = 0;
  for (size_t p = 0; p < hits.size(); ++p) {
    const auto& h = hits[p];
    const bool depth_tie = std::abs(h.second_t - h.t) < 1e-5 * (1.0 + std::abs(h.t));
    if (h.edge_tie || depth_tie) {
      ++*ties;
      continue;
    }
    ASSERT_EQ(r.face_id[p], h.face) << "pixel " << p;
    if (h.face < 0) {
      EXPECT_TRUE(std::isinf(r.depth[p]));
      continue;
    }
    ++*covered;
    EXPECT_NEAR(r.depth[p], h.t, 1e-4 * (1.0 + std::abs(h.t))) << "pixel " << p;
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(r.bary[3 * p + k], h.bary[k], 1e-4) << "pixel " << p;
  }
}

// Coverage count of every pixel, rasterising each face on its own.
std::vector<int> coverage_counts(const g::TriangleMesh& m, int h, int w) {
  std::vector<int> count(size_t(h) * w, 0);
  for (int64_t f = 0; f < m.num_faces(); ++f) {
    const auto r = g::rasterize(m.vertices.data(), m.num_vertices(), &m.faces[3 * f], 1, h, w);
    for (size_t p = 0; p < count.size(); ++p) count[p] += r.face_id[p] >= 0;
  }
  return count;
}

}  // namespace

TEST(Rasterizer, MatchesRayCastOnRandomTriangles) {
  int total_ties = 0, total_covered = 0;
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    std::vector<float> xyz;
    std::vector<int64_t> faces;
    const int h = 37 + int(seed) * 5, w = 53 - int(seed) * 3;
    gt::random_triangles(40, h, w, seed, xyz, faces);
    const auto r = g::rasterize(xyz.data(), int64_t(xyz.size() / 3), faces.data(),
                                int64_t(faces.size() / 3), h, w);
    ASSERT_EQ(r.height, h);
    ASSERT_EQ(r.width, w);
    int ties = 0, covered = 0;
    expect_matches_ray_cast(r, gt::ray_cast_orthographic(xyz, faces, h, w), &ties, &covered);
    total_ties += ties;
    total_covered += covered;
  }
  EXPECT_GT(total_covered, 3000);
  EXPECT_LT(total_ties, total_covered / 50);  // ties are rare: the comparison means something
}

TEST(Rasterizer, PerspectiveMatchesPinholeRayCast) {
  // An icosphere in front of a pinhole camera, seen through its own projection.
  auto m = g::icosphere(2);
  const double fx = 60, fy = 55, cx = 24.5, cy = 20.0;
  const int h = 40, w = 48;
  g::PinholeCamera cam{fx, fy, cx, cy};
  cam.t = {0.1, -0.05, 2.5};
  std::vector<float> cam_xyz(m.vertices.size()), screen(m.vertices.size());
  for (int64_t v = 0; v < m.num_vertices(); ++v) {
    const auto c =
        g::to_camera(cam, {m.vertices[3 * v], m.vertices[3 * v + 1], m.vertices[3 * v + 2]});
    for (int k = 0; k < 3; ++k) cam_xyz[3 * v + k] = float(c[k]);
  }
  g::project_screen(cam, m.vertices.data(), m.num_vertices(), screen.data());
  const auto r =
      g::rasterize(screen.data(), m.num_vertices(), m.faces.data(), m.num_faces(), h, w, true);
  const auto hits = gt::ray_cast_pinhole(cam_xyz, m.faces, h, w, fx, fy, cx, cy, 3e-3);
  // The projection rounds to float and the rasteriser snaps to 1/256 px: centres within ~1/256 px
  // of an edge are ties (eps 3e-3 in barycentric units above), and on faces seen almost edge-on
  // (the silhouette) snapping moves barycentrics a lot, so compare faces seen at > 20 deg.
  auto grazing = [&](int64_t f, size_t p) {
    if (f < 0) return false;
    double e1[3], e2[3], n[3];
    for (int k = 0; k < 3; ++k) {
      e1[k] = cam_xyz[3 * m.faces[3 * f + 1] + k] - cam_xyz[3 * m.faces[3 * f] + k];
      e2[k] = cam_xyz[3 * m.faces[3 * f + 2] + k] - cam_xyz[3 * m.faces[3 * f] + k];
    }
    n[0] = e1[1] * e2[2] - e1[2] * e2[1];
    n[1] = e1[2] * e2[0] - e1[0] * e2[2];
    n[2] = e1[0] * e2[1] - e1[1] * e2[0];
    const double d[3] = {(p % w + 0.5 - cx) / fx, (p / w + 0.5 - cy) / fy, 1.0};
    const double cosine = (n[0] * d[0] + n[1] * d[1] + n[2] * d[2]) /
                          std::sqrt((n[0] * n[0] + n[1] * n[1] + n[2] * n[2]) *
                                    (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]));
    return std::abs(cosine) < 0.35;
  };
  int covered = 0, mismatches = 0;
  for (size_t p = 0; p < hits.size(); ++p) {
    if (hits[p].edge_tie || grazing(hits[p].face, p) || grazing(r.face_id[p], p)) continue;
    if (r.face_id[p] != hits[p].face) {
      ++mismatches;
      continue;
    }
    if (hits[p].face < 0) continue;
    ++covered;
    EXPECT_NEAR(r.depth[p], hits[p].t, 1e-4);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(r.bary[3 * p + k], hits[p].bary[k], 2e-3);
  }
  EXPECT_GT(covered, 800);
  EXPECT_EQ(mismatches, 0);
}

TEST(Rasterizer, LinearDepthIsNotPerspectiveCorrect) {
  // One slanted triangle: the orthographic path interpolates depth linearly, the perspective path
  // interpolates 1/depth; the two must differ inside the triangle and agree at the vertices'
  // depths.
  const std::vector<float> xyz = {2, 2, 1, 30, 2, 4, 2, 30, 4};
  const std::vector<int64_t> f = {0, 1, 2};
  const auto lin = g::rasterize(xyz.data(), 3, f.data(), 1, 32, 32, false);
  const auto per = g::rasterize(xyz.data(), 3, f.data(), 1, 32, 32, true);
  const size_t p = 10 * 32 + 10;  // centre (10.5, 10.5)
  ASSERT_EQ(lin.face_id[p], 0);
  ASSERT_EQ(per.face_id[p], 0);
  const double b1 = (10.5 - 2) / 28, b2 = (10.5 - 2) / 28, b0 = 1 - b1 - b2;
  EXPECT_NEAR(lin.depth[p], b0 * 1 + b1 * 4 + b2 * 4, 1e-5);
  EXPECT_NEAR(per.depth[p], 1.0 / (b0 / 1 + b1 / 4 + b2 / 4), 1e-5);
  // perspective-correct barycentrics: the 3D weights, which reproduce the depth linearly
  EXPECT_NEAR(per.bary[3 * p] * 1 + per.bary[3 * p + 1] * 4 + per.bary[3 * p + 2] * 4, per.depth[p],
              1e-5);
}

TEST(Rasterizer, TessellatedSquareCoversEveryPixelExactlyOnce) {
  const int h = 48, w = 48;
  // Grid lines through pixel centres (x = 0.5 + 4k), so the fill rule decides every shared edge,
  // including the diagonals (which also pass through centres).
  auto aligned = g::grid_square(14, -3.5f, -3.5f, 56.0f);
  for (int c : coverage_counts(aligned, h, w)) ASSERT_EQ(c, 1);
  // Jittered interior vertices on the 1/256 grid, random diagonal choice.
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> jitter(-1.4f, 1.4f);
  auto jittered = g::grid_square(12, -4.0f, -4.0f, 56.0f);
  const int n = 12;
  for (int i = 1; i < n; ++i)
    for (int j = 1; j < n; ++j) {
      float* v = &jittered.vertices[3 * (i * (n + 1) + j)];
      v[0] = std::round((v[0] + jitter(rng)) * 256) / 256;
      v[1] = std::round((v[1] + jitter(rng)) * 256) / 256;
    }
  for (int64_t q = 0; q < jittered.num_faces() / 2; ++q)
    if (rng() %
        2) {  // flip the diagonal of this cell: (a, b, c), (a, c, d) -> (a, b, d), (b, c, d)
      int64_t* f = &jittered.faces[6 * q];
      const int64_t a = f[0], b = f[1], c = f[2], d = f[5];
      const int64_t flipped[6] = {a, b, d, b, c, d};
      std::copy(flipped, flipped + 6, f);
    }
  for (int c : coverage_counts(jittered, h, w)) ASSERT_EQ(c, 1);
  // The whole mesh at once: every pixel has a face.
  const auto r = g::rasterize(jittered.vertices.data(), jittered.num_vertices(),
                              jittered.faces.data(), jittered.num_faces(), h, w);
  for (int32_t f : r.face_id) ASSERT_GE(f, 0);
}

TEST(Rasterizer, BothWindingsCoverTheSamePixels) {
  std::vector<float> xyz;
  std::vector<int64_t> faces;
  gt::random_triangles(30, 32, 32, 11, xyz, faces);
  auto reversed = faces;
  for (size_t t = 0; t < faces.size(); t += 3) std::swap(reversed[t + 1], reversed[t + 2]);
  for (size_t t = 0; t < faces.size(); t += 3) {
    const auto a = g::rasterize(xyz.data(), int64_t(xyz.size() / 3), &faces[t], 1, 32, 32);
    const auto b = g::rasterize(xyz.data(), int64_t(xyz.size() / 3), &reversed[t], 1, 32, 32);
    ASSERT_EQ(a.face_id, b.face_id);
    for (size_t p = 0; p < a.face_id.size(); ++p)
      if (a.face_id[p] >= 0) {  // same weights, listed in the face's own order
        EXPECT_NEAR(a.bary[3 * p + 1], b.bary[3 * p + 2], 1e-6);
        EXPECT_NEAR(a.bary[3 * p + 2], b.bary[3 * p + 1], 1e-6);
      }
  }
}

TEST(Rasterizer, NearerTriangleWinsAndEqualDepthKeepsTheFirstFace) {
  const std::vector<float> xyz = {0, 0, 5, 20, 0, 5, 0, 20, 5, 0, 0, 2, 20, 0, 2, 0, 20, 2};
  const std::vector<int64_t> f = {0, 1, 2, 3, 4, 5};
  const auto r = g::rasterize(xyz.data(), 6, f.data(), 2, 8, 8);
  EXPECT_EQ(r.face_id[3 * 8 + 3], 1);
  EXPECT_FLOAT_EQ(r.depth[3 * 8 + 3], 2.0f);
  const std::vector<int64_t> twice = {3, 4, 5, 0, 1, 2, 3, 4, 5};
  const auto r2 = g::rasterize(xyz.data(), 6, twice.data(), 3, 8, 8);
  EXPECT_EQ(r2.face_id[3 * 8 + 3], 0);
}

TEST(Rasterizer, OffscreenBehindCameraAndDegenerateTrianglesAreHandled) {
  const std::vector<float> xyz = {
      -50,  -50,  1,  -40, -50,  1, -50, -40, 1,   // entirely outside
      1,    1,    -1, 30,  1,    2, 1,   30,  2,   // one vertex behind the camera
      1,    1,    1,  9,   9,    1, 17,  17,  1,   // degenerate (collinear)
      -1e4, -1e4, 3,  1e4, -1e4, 3, 0,   1e4, 3};  // huge, covers everything
  const std::vector<int64_t> f = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  const auto r = g::rasterize(xyz.data(), 9, f.data(), 3, 16, 16, true);
  for (int32_t id : r.face_id) EXPECT_EQ(id, -1);
  const auto ortho = g::rasterize(xyz.data(), 9, f.data(), 3, 16, 16, false);
  EXPECT_EQ(ortho.face_id[4 * 16 + 4], 1);  // orthographic: negative depth is just nearer
  const std::vector<int64_t> big = {9, 10, 11};
  std::vector<float> all = xyz;
  const auto rb = g::rasterize(all.data(), 12, big.data(), 1, 16, 16, true);
  for (int32_t id : rb.face_id) EXPECT_EQ(id, 0);
  std::vector<float> nan = xyz;
  nan[27] = std::nanf("");
  const auto rn = g::rasterize(nan.data(), 12, big.data(), 1, 16, 16);
  for (int32_t id : rn.face_id) EXPECT_EQ(id, -1);
}

TEST(Rasterizer, RejectsBadInput) {
  const std::vector<float> xyz = {0, 0, 1, 4, 0, 1, 0, 4, 1};
  const std::vector<int64_t> bad = {0, 1, 3};
  EXPECT_THROW(g::rasterize(xyz.data(), 3, bad.data(), 1, 8, 8), motioncue::Error);
  const std::vector<int64_t> ok = {0, 1, 2};
  EXPECT_THROW(g::rasterize(xyz.data(), 3, ok.data(), 1, 0, 8), motioncue::Error);
}

TEST(Visibility, MatchesRayCastOnSphereAndRandomMeshes) {
  // Icosphere seen orthographically: a vertex is visible iff a face containing it is the first
  // hit of some pixel's ray.
  auto sphere = g::icosphere(3);
  std::vector<float> xyz(sphere.vertices.size());
  for (int64_t v = 0; v < sphere.num_vertices(); ++v) {
    xyz[3 * v] = 32 + 25 * sphere.vertices[3 * v];
    xyz[3 * v + 1] = 32 - 25 * sphere.vertices[3 * v + 1];
    xyz[3 * v + 2] = sphere.vertices[3 * v + 2];
  }
  std::vector<std::pair<std::vector<float>, std::vector<int64_t>>> meshes = {{xyz, sphere.faces}};
  for (uint32_t seed = 20; seed < 24; ++seed) {
    std::vector<float> r;
    std::vector<int64_t> f;
    gt::random_triangles(40, 64, 64, seed, r, f);
    // faces over a shared pool of vertices, so visibility is about faces, not single triangles
    std::mt19937 rng(seed);
    for (size_t t = 0; t < f.size(); t += 3) {
      do {
        for (int k = 0; k < 3; ++k) f[t + k] = int64_t(rng() % 120);
      } while (f[t] == f[t + 1] || f[t + 1] == f[t + 2] || f[t] == f[t + 2]);
    }
    meshes.emplace_back(r, f);
  }
  for (const auto& [pts, faces] : meshes) {
    const int64_t nv = int64_t(pts.size() / 3), nf = int64_t(faces.size() / 3);
    const auto hits = gt::ray_cast_orthographic(pts, faces, 64, 64);
    std::vector<uint8_t> sure(nv, 0), maybe(nv, 0);
    for (const auto& hit : hits) {
      if (hit.face < 0) continue;
      const bool tie = hit.edge_tie || std::abs(hit.second_t - hit.t) < 1e-5;
      for (int k = 0; k < 3; ++k) {
        (tie ? maybe : sure)[faces[3 * hit.face + k]] = 1;
      }
    }
    const auto r = g::rasterize(pts.data(), nv, faces.data(), nf, 64, 64);
    const auto vis = g::visible_vertices(r, faces.data(), nv);
    int disagreements = 0;
    for (int64_t v = 0; v < nv; ++v) {
      if (sure[v]) {
        EXPECT_EQ(vis[v], 1) << "vertex " << v;
      }
      if (vis[v] && !sure[v]) ++disagreements;  // only possible through a tie pixel
    }
    EXPECT_LE(disagreements, nv / 20);
  }
}

TEST(Visibility, SphereShowsItsFrontHalfOnly) {
  auto sphere = g::icosphere(3);
  auto pts = torch::from_blob(sphere.vertices.data(), {1, sphere.num_vertices(), 3}).clone();
  const auto cam = torch::tensor({{0.8f, 0.0f, 0.0f}});
  const auto screen = g::weak_perspective_screen(pts, cam, 64);
  const auto faces = torch::from_blob(sphere.faces.data(), {sphere.num_faces(), 3}, torch::kInt64);
  const auto mask = g::visibility_mask(screen, faces, 64, 64);
  ASSERT_EQ(mask.sizes(), (std::vector<int64_t>{1, sphere.num_vertices()}));
  for (int64_t v = 0; v < sphere.num_vertices(); ++v) {
    const float z = sphere.vertices[3 * v + 2];  // camera looks along +z: z < 0 faces it
    if (z < -0.15f) {
      EXPECT_TRUE(mask[0][v].item<bool>()) << v;
    }
    if (z > 0.15f) {
      EXPECT_FALSE(mask[0][v].item<bool>()) << v;
    }
  }
}

TEST(Visibility, BatchedMaskMatchesSingleMeshes) {
  auto sphere = g::icosphere(2);
  const int64_t nv = sphere.num_vertices();
  auto pts = torch::from_blob(sphere.vertices.data(), {1, nv, 3}).clone().repeat({5, 1, 1});
  torch::manual_seed(3);
  const auto cam = torch::rand({5, 3}) * 0.6 + torch::tensor({0.5, -0.3, -0.3});
  const auto screen = g::weak_perspective_screen(pts, cam, 40).to(torch::kFloat64);
  const auto faces = torch::from_blob(sphere.faces.data(), {sphere.num_faces(), 3}, torch::kInt64);
  const auto mask = g::visibility_mask(screen, faces.to(torch::kInt32), 40, 40);
  ASSERT_EQ(mask.scalar_type(), torch::kBool);
  for (int64_t b = 0; b < 5; ++b) {
    const auto s = screen[b].to(torch::kFloat32).contiguous();
    const auto r =
        g::rasterize(s.data_ptr<float>(), nv, sphere.faces.data(), sphere.num_faces(), 40, 40);
    const auto vis = g::visible_vertices(r, sphere.faces.data(), nv);
    for (int64_t v = 0; v < nv; ++v) ASSERT_EQ(mask[b][v].item<bool>(), vis[v] != 0);
  }
  EXPECT_THROW(g::visibility_mask(screen[0], faces, 40, 40), motioncue::Error);
  EXPECT_THROW(g::visibility_mask(screen, faces + nv, 40, 40), motioncue::Error);
}
