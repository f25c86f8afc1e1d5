#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "../support/temp_dir.h"
#include "model_files.h"
#include "motioncue/body/body_model.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"

namespace b = motioncue::body;
namespace t = motioncue::testing;

namespace {

b::BodyModel load_npz(const motioncue::Npz& npz, const t::TempDir& dir, const char* name) {
  const auto path = dir / name;
  motioncue::write_npz(path, npz, false);
  return b::BodyModel::load(path);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// Reference LBS written vertex by vertex in double, independent of the batched code.
torch::Tensor reference_vertices(const motioncue::Npz& npz, const torch::Tensor& pose,
                                 const torch::Tensor& betas, const std::vector<int64_t>& ids) {
  auto get = [&](const char* k) {
    const auto& a = npz.at(k);
    return torch::tensor(a.to_f64(), torch::kDouble).reshape(a.shape);
  };
  auto v = get("v_template"), s = get("shapedirs"), jr = get("J_regressor"), w = get("weights");
  auto vs = v + torch::einsum("vcb,b->vc", {s.narrow(2, 0, betas.size(0)), betas});
  auto J = torch::matmul(jr, vs);
  auto R = b::axis_angle_to_matrix(pose.reshape({24, 3}));
  if (npz.contains("posedirs")) {
    auto feat = (R.narrow(0, 1, 23) - torch::eye(3, torch::kDouble)).reshape({207});
    vs = vs + torch::einsum("vcp,p->vc", {get("posedirs"), feat});
  }
  const std::vector<int> parents = {-1, 0, 0, 0,  1,  2,  3,  4,  5,  6,  7,  8,
                                    9,  9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21};
  std::vector<torch::Tensor> G(24);  // 4x4 world transforms
  for (int j = 0; j < 24; ++j) {
    auto local = torch::eye(4, torch::kDouble);
    local.narrow(0, 0, 3).narrow(1, 0, 3).copy_(R[j]);
    local.narrow(0, 0, 3).select(1, 3).copy_(parents[j] < 0 ? J[j] : J[j] - J[parents[j]]);
    G[j] = parents[j] < 0 ? local : torch::matmul(G[parents[j]], local);
  }
  auto out = torch::zeros({static_cast<int64_t>(ids.size()), 3}, torch::kDouble);
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const int64_t i = ids[k];
    auto T = torch::zeros({4, 4}, torch::kDouble);
    for (int j = 0; j < 24; ++j) {
      auto rest = torch::eye(4, torch::kDouble);
      rest.narrow(0, 0, 3).select(1, 3).copy_(-J[j]);
      T += w[i][j] * torch::matmul(G[j], rest);
    }
    auto x = torch::cat({vs[i], torch::ones({1}, torch::kDouble)});
    out[k] = torch::matmul(T, x).narrow(0, 0, 3);
  }
  return out;
}

}  // namespace

TEST(BodyLayer, ToyTwoBoneSkinningMatchesHandComputation) {
  t::TempDir dir;
  auto model = load_npz(t::toy_model(), dir, "toy.npz");
  model.to(torch::kCPU, torch::kDouble);
  auto pose = torch::zeros({1, 72}, torch::kDouble);
  pose[0][1 * 3 + 2] = M_PI / 2;  // left hip: +90 degrees about z
  pose[0][4 * 3 + 2] = M_PI / 2;  // left knee: +90 degrees about z
  auto out = model.forward_axis_angle(pose, torch::zeros({1, 0}, torch::kDouble));
  auto v = out.vertices[0];
  // A = hip + Rz90 (0, -0.5, 0) = (1.5, 0, 0).
  EXPECT_NEAR(v[24][0].item<double>(), 1.5, 1e-12);
  EXPECT_NEAR(v[24][1].item<double>(), 0.0, 1e-12);
  // Knee goes to (2, 0, 0). B by the hip: (1,0,0) + Rz90 (0,-1.5,0) = (2.5, 0, 0);
  // by the knee: (2,0,0) + Rz180 (0,-0.5,0) = (2, 0.5, 0). Half and half: (2.25, 0.25, 0).
  EXPECT_NEAR(out.joints[0][4][0].item<double>(), 2.0, 1e-12);
  EXPECT_NEAR(out.joints[0][4][1].item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(v[25][0].item<double>(), 2.25, 1e-12);
  EXPECT_NEAR(v[25][1].item<double>(), 0.25, 1e-12);
  EXPECT_NEAR(v[25][2].item<double>(), 0.0, 1e-12);
  // The shape direction moves everything up, joints included (through the regressor).
  auto shaped = model.forward_axis_angle(torch::zeros({1, 72}, torch::kDouble),
                                         torch::full({1, 1}, 0.25, torch::kDouble));
  EXPECT_NEAR(shaped.vertices[0][25][1].item<double>(), -1.25, 1e-12);
  EXPECT_NEAR(shaped.joints[0][4][1].item<double>(), -0.75, 1e-12);
  EXPECT_NEAR(shaped.keypoints[0][4][1].item<double>(), -0.75, 1e-12);
}

TEST(BodyLayer, ZeroPoseAndBetasGiveTheTemplate) {
  t::TempDir dir;
  const auto npz = t::smpl_layout_model(5);
  auto model = load_npz(npz, dir, "smpl.npz");
  auto out = model.forward_axis_angle(torch::zeros({3, 72}), torch::zeros({3, 10}));
  EXPECT_EQ(out.vertices.sizes(), (std::vector<int64_t>{3, 6890, 3}));
  EXPECT_LT((out.vertices - model.template_vertices()).abs().max().item<float>(), 1e-5);
  EXPECT_LT((out.joints[1] - model.rest_joints()).abs().max().item<float>(), 1e-5);
}

TEST(BodyLayer, MatchesAReferenceImplementationWithPoseBlendShapes) {
  t::TempDir dir;
  auto npz = t::smpl_layout_model(7);
  auto model = load_npz(npz, dir, "smpl.npz");
  model.to(torch::kCPU, torch::kDouble);
  torch::manual_seed(2);
  auto pose = torch::randn({2, 72}, torch::kDouble) * 0.6;
  auto betas = torch::randn({2, 10}, torch::kDouble);
  auto out = model.forward_axis_angle(pose, betas);
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < 6890; i += 37) ids.push_back(i);
  auto index = torch::tensor(ids, torch::kLong);
  for (int i = 0; i < 2; ++i) {
    auto ref = reference_vertices(npz, pose[i], betas[i], ids);
    EXPECT_LT((out.vertices[i].index_select(0, index) - ref).abs().max().item<double>(), 1e-10);
  }
  // Fewer betas than the model has: the rest are zero.
  auto short_betas = model.forward_axis_angle(pose, betas.narrow(1, 0, 4));
  auto padded = torch::cat({betas.narrow(1, 0, 4), torch::zeros({2, 6}, torch::kDouble)}, 1);
  EXPECT_LT((short_betas.vertices - model.forward_axis_angle(pose, padded).vertices)
                .abs()
                .max()
                .item<double>(),
            1e-12);
}

TEST(BodyLayer, GradientsMatchFiniteDifferences) {
  t::TempDir dir;
  auto npz = t::smpl_layout_model(11);
  auto model = load_npz(npz, dir, "smpl.npz");
  model.to(torch::kCPU, torch::kDouble);
  torch::manual_seed(4);
  auto pose = (torch::randn({1, 72}, torch::kDouble) * 0.5).requires_grad_(true);
  auto betas = torch::randn({1, 10}, torch::kDouble).requires_grad_(true);
  auto wv = torch::randn({1, 6890, 3}, torch::kDouble);
  auto wk = torch::randn({1, 24, 3}, torch::kDouble);
  auto loss = [&](const torch::Tensor& p, const torch::Tensor& s) {
    auto o = model.forward_axis_angle(p, s);
    return (o.vertices * wv).sum() + (o.keypoints * wk).sum() + o.joints.pow(2).sum();
  };
  loss(pose, betas).backward();
  const double eps = 1e-6;
  for (int i : {0, 1, 2, 5, 13, 30, 47, 61, 71}) {
    auto p1 = pose.detach().clone(), p2 = pose.detach().clone();
    p1[0][i] += eps;
    p2[0][i] -= eps;
    const double fd =
        (loss(p1, betas.detach()) - loss(p2, betas.detach())).item<double>() / (2 * eps);
    EXPECT_NEAR(pose.grad()[0][i].item<double>(), fd, 1e-5 * std::max(1.0, std::abs(fd))) << i;
  }
  for (int i = 0; i < 10; ++i) {
    auto s1 = betas.detach().clone(), s2 = betas.detach().clone();
    s1[0][i] += eps;
    s2[0][i] -= eps;
    const double fd =
        (loss(pose.detach(), s1) - loss(pose.detach(), s2)).item<double>() / (2 * eps);
    EXPECT_NEAR(betas.grad()[0][i].item<double>(), fd, 1e-5 * std::max(1.0, std::abs(fd))) << i;
  }
}

TEST(BodyLayer, BadArgumentsNameTheArgument) {
  t::TempDir dir;
  auto model = load_npz(t::toy_model(), dir, "toy.npz");
  EXPECT_NE(message_of([&] {
              model.forward_axis_angle(torch::zeros({2, 69}), torch::zeros({2, 1}));
            }).find("pose"),
            std::string::npos);
  const auto too_many = message_of([&] {
    model.forward_axis_angle(torch::zeros({2, 72}), torch::zeros({2, 10}));
  });
  EXPECT_NE(too_many.find("betas"), std::string::npos);
  EXPECT_NE(too_many.find("at most 1"), std::string::npos);
  EXPECT_NE(message_of([&] {
              model.forward(torch::zeros({2, 24, 3}), torch::zeros({2, 1}));
            }).find("rotmats"),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              model.forward_axis_angle(torch::zeros({2, 72}), torch::zeros({3, 1}));
            }).find("betas"),
            std::string::npos);
}

TEST(BodyLayer, FloatInputsToADoubleModelAreConverted) {
  t::TempDir dir;
  auto model = load_npz(t::toy_model(), dir, "toy.npz");
  model.to(torch::kCPU, torch::kDouble);
  auto out = model.forward_axis_angle(torch::zeros({1, 72}), torch::zeros({1, 1}));
  EXPECT_EQ(out.vertices.scalar_type(), torch::kDouble);
  EXPECT_EQ(model.dtype(), torch::kDouble);
}
