#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

#include "../support/temp_dir.h"
#include "model_files.h"
#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"

namespace b = motioncue::body;
namespace t = motioncue::testing;
using motioncue::NpyArray;
using motioncue::Npz;

namespace {

// Loads a file made from `npz` and returns the error message ("" when it loads).
std::string load_error(const Npz& npz) {
  t::TempDir dir;
  motioncue::write_npz(dir / "m.npz", npz, false);
  try {
    b::BodyModel::load(dir / "m.npz");
  } catch (const motioncue::Error& e) {
    return e.what();
  }
  return "";
}

Npz without(const Npz& npz, const std::string& key) {
  Npz out;
  for (const auto& k : npz.keys()) {
    if (k != key) out.set(k, npz.at(k));
  }
  return out;
}

}  // namespace

TEST(ModelFile, SmplLayoutLoadsAndPoses) {
  t::TempDir dir;
  motioncue::write_npz(dir / "smpl.npz", t::smpl_layout_model(1), false);
  auto model = b::BodyModel::load(dir / "smpl.npz");
  EXPECT_EQ(model.num_vertices(), 6890);
  EXPECT_EQ(model.num_betas(), 10);
  EXPECT_EQ(model.faces().size(0), 13776);
  EXPECT_EQ(model.faces().scalar_type(), torch::kLong);
  EXPECT_TRUE(model.has_pose_blendshapes());
  EXPECT_EQ(model.parents()[0], -1);
  EXPECT_EQ(model.parents()[23], 21);
  EXPECT_EQ(model.dtype(), torch::kFloat);
  // SMPL files carry no keypoint regressor: the fallback uses SMPL's customary vertex ids.
  ASSERT_TRUE(model.has_keypoints());
  torch::manual_seed(0);
  auto pose = torch::randn({4, 72}) * 0.4;
  auto out = model.forward_axis_angle(pose, torch::randn({4, 10}));
  EXPECT_EQ(out.vertices.sizes(), (std::vector<int64_t>{4, 6890, 3}));
  EXPECT_EQ(out.joints.sizes(), (std::vector<int64_t>{4, 24, 3}));
  EXPECT_EQ(out.keypoints.sizes(), (std::vector<int64_t>{4, 24, 3}));
  EXPECT_TRUE(torch::isfinite(out.vertices).all().item<bool>());
  EXPECT_LT((out.keypoints.select(1, 19) - out.vertices.select(1, 332)).abs().max().item<float>(),
            1e-6);  // nose
  EXPECT_EQ(model.hash().size(), 16u);
  EXPECT_EQ(model.hash(), b::BodyModel::load(dir / "smpl.npz").hash());
}

TEST(ModelFile, PosedirsInEitherLayoutGiveTheSameBody) {
  auto npz = t::smpl_layout_model(2);
  const auto& p = npz.at("posedirs");
  auto pd = torch::tensor(p.to_f64(), torch::kDouble).reshape({6890 * 3, 207}).t().contiguous();
  Npz flat = npz;
  flat.set("posedirs", t::f64_array(pd));
  t::TempDir dir;
  motioncue::write_npz(dir / "a.npz", npz, false);
  motioncue::write_npz(dir / "b.npz", flat, false);
  auto a = b::BodyModel::load(dir / "a.npz"), c = b::BodyModel::load(dir / "b.npz");
  auto pose = torch::randn({2, 72}) * 0.5;
  auto betas = torch::zeros({2, 10});
  EXPECT_LT(
      (a.forward_axis_angle(pose, betas).vertices - c.forward_axis_angle(pose, betas).vertices)
          .abs()
          .max()
          .item<float>(),
      1e-5);
}

TEST(ModelFile, MissingKeysAreNamed) {
  const Npz toy = t::toy_model();
  for (const char* key :
       {"v_template", "shapedirs", "J_regressor", "weights", "kintree_table", "f"}) {
    const std::string msg = load_error(without(toy, key));
    EXPECT_NE(msg.find(key), std::string::npos) << msg;
    EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
  }
}

TEST(ModelFile, InconsistentShapesAreNamed) {
  Npz toy = t::toy_model();
  Npz bad = toy;
  bad.set("weights", t::f64_array(torch::ones({25, 24}) / 24));
  EXPECT_NE(load_error(bad).find("weights"), std::string::npos);
  bad = toy;
  bad.set("J_regressor", t::f64_array(torch::ones({23, 26}) / 26));
  EXPECT_NE(load_error(bad).find("J_regressor"), std::string::npos);
  bad = toy;
  bad.set("shapedirs", t::f64_array(torch::zeros({26, 2, 3})));
  EXPECT_NE(load_error(bad).find("shapedirs"), std::string::npos);
  bad = toy;
  bad.set("posedirs", t::f64_array(torch::zeros({26, 3, 206})));
  EXPECT_NE(load_error(bad).find("posedirs"), std::string::npos);
  bad = toy;
  bad.set("f", NpyArray::from_i64({1, 3}, {0, 1, 26}));
  const std::string faces_msg = load_error(bad);
  EXPECT_NE(faces_msg.find(": f: "), std::string::npos) << faces_msg;
  EXPECT_NE(faces_msg.find("does not exist"), std::string::npos) << faces_msg;
  bad = toy;
  bad.set("weights", t::f64_array(torch::ones({26, 24})));
  EXPECT_NE(load_error(bad).find("sum to 1"), std::string::npos);
  bad = toy;
  std::vector<std::int64_t> kt(48, 0);
  kt[0] = -1;
  kt[5] = 7;  // joint 5's parent after it
  bad.set("kintree_table", NpyArray::from_i64({2, 24}, kt));
  EXPECT_NE(load_error(bad).find("kintree_table"), std::string::npos);
}

TEST(ModelFile, NanIsRejectedWithTheKey) {
  Npz toy = t::toy_model();
  auto v = torch::tensor(toy.at("v_template").to_f64(), torch::kDouble).reshape({26, 3});
  v[3][1] = std::numeric_limits<double>::quiet_NaN();
  toy.set("v_template", t::f64_array(v));
  const std::string msg = load_error(toy);
  EXPECT_NE(msg.find("v_template"), std::string::npos) << msg;
  EXPECT_NE(msg.find("NaN"), std::string::npos) << msg;
}

TEST(ModelFile, UnknownTopologyWithoutKeypointsThrowsWhenKeypointsAreNeeded) {
  Npz toy = without(t::toy_model(), "J_regressor_keypoints");
  t::TempDir dir;
  motioncue::write_npz(dir / "m.npz", toy, false);
  auto model = b::BodyModel::load(dir / "m.npz");
  EXPECT_FALSE(model.has_keypoints());
  try {
    model.forward_axis_angle(torch::zeros({1, 72}), torch::zeros({1, 1}));
    FAIL();
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("J_regressor_keypoints"), std::string::npos);
  }
}

// SPIN's J_regressor_extra (9 x V) completes SMPL's keypoints: the hips, neck and head rows become
// its rows, the limbs stay the kinematic joints; a 24 x V file replaces all. Either changes the
// model's hash (a checkpoint records which keypoints it was trained with).
TEST(ModelFile, KeypointRegressorFileReplacesTheKeypoints) {
  t::TempDir dir;
  motioncue::write_npz(dir / "smpl.npz", t::smpl_layout_model(4), false);
  const auto plain = b::BodyModel::load(dir / "smpl.npz");
  torch::manual_seed(9);
  const auto extra = torch::rand({9, 6890}, torch::kDouble) / 6890.0;
  motioncue::write_npy(dir / "J_regressor_extra.npy", t::f64_array(extra));
  const auto spin = b::BodyModel::load(dir / "smpl.npz", dir / "J_regressor_extra.npy");
  EXPECT_NE(spin.hash(), plain.hash());
  const int replaced[9] = {2, 3, 12, 13, 14, 15, 16, 17, 18};
  for (int i = 0; i < 9; ++i)
    EXPECT_TRUE(torch::allclose(spin.keypoint_regressor()[replaced[i]].to(torch::kDouble), extra[i],
                                1e-6, 0));
  EXPECT_TRUE(torch::equal(spin.keypoint_regressor()[0], plain.keypoint_regressor()[0]));

  const auto all = torch::rand({24, 6890}, torch::kDouble) / 6890.0;
  motioncue::write_npy(dir / "k24.npy", t::f64_array(all));
  const auto full = b::BodyModel::load(dir / "smpl.npz", dir / "k24.npy");
  // The model keeps float32: relative agreement to well within float's 6e-8 rounding.
  EXPECT_TRUE(torch::allclose(full.keypoint_regressor().to(torch::kDouble), all, 1e-6, 0));

  motioncue::write_npy(dir / "bad.npy", t::f64_array(torch::rand({9, 100}, torch::kDouble)));
  try {
    b::BodyModel::load(dir / "smpl.npz", dir / "bad.npy");
    ADD_FAILURE() << "a 9 x 100 regressor for a 6890-vertex body loaded";
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.npy"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("9 x 6890"), std::string::npos) << e.what();
  }
}
