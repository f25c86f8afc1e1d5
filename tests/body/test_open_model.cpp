#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>

#include "../support/temp_dir.h"
#include "motioncue/body/body_model.h"
#include "motioncue/body/joint_sets.h"
#include "motioncue/body/mesh_checks.h"
#include "motioncue/core/files.h"

namespace b = motioncue::body;
namespace t = motioncue::testing;

namespace {

// One build shared by the tests of this file (it takes a second or two).
const std::filesystem::path& built_model() {
  static t::TempDir dir;
  static const std::filesystem::path path = [] {
    const auto p = dir / "open_body.npz";
    b::build_open_body_model(p);
    return p;
  }();
  return path;
}

std::vector<std::array<std::int64_t, 3>> face_list(const torch::Tensor& f) {
  std::vector<std::array<std::int64_t, 3>> out(f.size(0));
  auto a = f.accessor<int64_t, 2>();
  for (int64_t i = 0; i < f.size(0); ++i) out[i] = {a[i][0], a[i][1], a[i][2]};
  return out;
}

std::vector<double> coords(const torch::Tensor& v) {
  auto c = v.to(torch::kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

double height(const torch::Tensor& v) {
  auto y = v.select(-1, 1);
  return (y.max() - y.min()).item<double>();
}

}  // namespace

TEST(OpenModel, BuildsQuicklyAndReproducibly) {
  t::TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  b::build_open_body_model(dir / "a.npz");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0);  // a few seconds on the dev box; generous for loaded CI machines
  b::build_open_body_model(dir / "b.npz");
  EXPECT_EQ(motioncue::read_file_bytes(dir / "a.npz"), motioncue::read_file_bytes(dir / "b.npz"));
}

TEST(OpenModel, IsAClosedOrientedManifoldOfTheRightSize) {
  auto model = b::BodyModel::load(built_model());
  EXPECT_GE(model.num_vertices(), 3000);
  EXPECT_LE(model.num_vertices(), 10000);
  EXPECT_EQ(model.num_betas(), 10);
  const auto check = b::check_mesh(coords(model.template_vertices()), face_list(model.faces()));
  EXPECT_TRUE(check.ok()) << check.summary();
  const double h = height(model.template_vertices());
  EXPECT_GT(h, 1.6);
  EXPECT_LT(h, 1.8);
  // Facing +z: the nose is in front of the head joint; the left hand is at +x.
  const auto& lm = model.landmarks();
  auto v = model.template_vertices();
  EXPECT_GT(v[lm.at("nose")][2].item<float>(), model.rest_joints()[b::kHead][2].item<float>());
  EXPECT_GT(v[lm.at("left_hand_tip")][0].item<float>(), 0.7f);
  EXPECT_LT(v[lm.at("right_hand_tip")][0].item<float>(), -0.7f);
}

TEST(OpenModel, WeightsAreValid) {
  auto model = b::BodyModel::load(built_model());
  auto w = model.skinning_weights();
  EXPECT_GE(w.min().item<float>(), 0.0f);
  EXPECT_LT((w.sum(1) - 1).abs().max().item<float>(), 1e-5);
  EXPECT_LE((w > 0).sum(1).max().item<int64_t>(), 4);
  // Every joint moves some vertices.
  EXPECT_GT(std::get<0>(w.max(0)).min().item<float>(), 0.5f);
}

TEST(OpenModel, JointsLieInsideTheSurface) {
  auto model = b::BodyModel::load(built_model());
  const auto verts = coords(model.template_vertices());
  const auto faces = face_list(model.faces());
  auto joints = model.rest_joints().to(torch::kDouble);
  for (int j = 0; j < b::kNumJoints; ++j) {
    const double p[3] = {joints[j][0].item<double>(), joints[j][1].item<double>(),
                         joints[j][2].item<double>()};
    EXPECT_GT(b::winding_number(verts, faces, p), 0.5) << b::kinematic_joint_names()[j];
  }
  // The regressor reproduces the joints with non-negative weights.
  EXPECT_GE(model.joint_regressor().min().item<float>(), 0.0f);
  EXPECT_LT((model.joint_regressor().sum(1) - 1).abs().max().item<float>(), 1e-5);
  // Shaped joints stay inside shaped bodies.
  torch::manual_seed(0);
  auto betas = torch::randn({3, 10}) * 1.5;
  auto out = model.forward_axis_angle(torch::zeros({3, 72}), betas);
  for (int n = 0; n < 3; ++n) {
    const auto v = coords(out.vertices[n]);
    for (int j = 0; j < b::kNumJoints; ++j) {
      auto jj = out.joints[n][j].to(torch::kDouble);
      const double p[3] = {jj[0].item<double>(), jj[1].item<double>(), jj[2].item<double>()};
      EXPECT_GT(b::winding_number(v, faces, p), 0.5) << n << " " << b::kinematic_joint_names()[j];
    }
  }
}

TEST(OpenModel, HeightBetaChangesHeightMonotonically) {
  auto model = b::BodyModel::load(built_model());
  const int steps = 7;
  auto betas = torch::zeros({steps, 10});
  for (int i = 0; i < steps; ++i) betas[i][0] = -3.0 + i;
  auto out = model.forward_axis_angle(torch::zeros({steps, 72}), betas);
  double previous = 0.0;
  for (int i = 0; i < steps; ++i) {
    const double h = height(out.vertices[i]);
    EXPECT_GT(h, previous + 0.02) << i;
    previous = h;
  }
  EXPECT_GT(height(out.vertices[0]), 1.35);
  EXPECT_LT(height(out.vertices[steps - 1]), 2.1);
}

TEST(OpenModel, ExtremeShapesStayValidBodies) {
  auto model = b::BodyModel::load(built_model());
  const auto faces = face_list(model.faces());
  for (int k = 0; k < 10; ++k) {
    for (double s : {-3.0, 3.0}) {
      auto betas = torch::zeros({1, 10});
      betas[0][k] = s;
      auto v = model.forward_axis_angle(torch::zeros({1, 72}), betas).vertices[0];
      const auto check = b::check_mesh(coords(v), faces);
      EXPECT_GT(check.signed_volume, 0.02) << k << " " << s;  // adults: > 20 litres
      // Each direction moves something by at least a centimetre at 3 sigma.
      EXPECT_GT((v - model.template_vertices()).norm(2, 1).max().item<float>(), 0.01) << k;
    }
  }
}

TEST(OpenModel, DefaultModelIsCachedAndKeypointsExist) {
  t::TempDir dir;
  setenv("MOTIONCUE_CACHE", dir.path().c_str(), 1);
  EXPECT_EQ(b::default_model_path(), dir / "open_body_v1.npz");
  auto model = b::load_default_model();
  EXPECT_TRUE(std::filesystem::exists(dir / "open_body_v1.npz"));
  EXPECT_TRUE(model.has_keypoints());
  EXPECT_EQ(model.hash(), b::BodyModel::load(built_model()).hash());
  EXPECT_GT(model.part_labels().max().item<int64_t>(), 10);
  auto out = model.forward_axis_angle(torch::zeros({1, 72}), torch::zeros({1, 10}));
  // Keypoints: left hip is at +x, the head top is the highest, the nose in front.
  auto kp = out.keypoints[0];
  EXPECT_GT(kp[b::kKpLeftHip][0].item<float>(), 0.0f);
  EXPECT_GT(kp[b::kKpHeadTop][1].item<float>(), kp[b::kKpNose][1].item<float>());
  EXPECT_GT(kp[b::kKpNose][2].item<float>(), kp[b::kKpHead][2].item<float>());
  unsetenv("MOTIONCUE_CACHE");
}
