#include <gtest/gtest.h>

#include "../support/compact_network.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/model/network.h"

#include <map>
#include <string>

namespace mm = motioncue::model;

namespace {

using motioncue::testing::compact64;

std::map<std::string, at::Tensor> as_map(const std::vector<std::pair<std::string, at::Tensor>>& v) {
  return {v.begin(), v.end()};
}

}  // namespace

TEST(InitialState, UprightDefaultFacesTheCamera) {
  auto s = mm::InitialState::upright_default();
  ASSERT_EQ(s.pose6d.numel(), 144);
  auto r = motioncue::body::rot6d_to_matrix(s.pose6d.reshape({24, 6}));
  EXPECT_TRUE(torch::allclose(r[0], torch::diag(torch::tensor({1.f, -1.f, -1.f}))));
  for (int j = 1; j < 24; ++j) EXPECT_TRUE(torch::allclose(r[j], torch::eye(3)));
  EXPECT_TRUE(torch::allclose(s.cam, torch::tensor({0.9f, 0.f, 0.f})));
  EXPECT_EQ(s.betas.abs().sum().item<float>(), 0.f);
  EXPECT_THROW(mm::InitialState::from_rotmats(torch::zeros({23, 3, 3}), s.betas, s.cam),
               motioncue::Error);
}

TEST(PoseNetwork, OutputShapesAndValidRotationsForEveryInputSize) {
  torch::manual_seed(0);
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  EXPECT_EQ(net.feature_dim(), 256);
  for (int res : {64, 96, 128}) {
    auto p = net.forward(torch::randn({2, 3, res, res}));
    EXPECT_EQ(p.rotmats.sizes(), (std::vector<int64_t>{2, 24, 3, 3}));
    EXPECT_EQ(p.pose6d.sizes(), (std::vector<int64_t>{2, 144}));
    EXPECT_EQ(p.betas.sizes(), (std::vector<int64_t>{2, 10}));
    EXPECT_EQ(p.cam.sizes(), (std::vector<int64_t>{2, 3}));
    auto rtr = torch::matmul(p.rotmats.transpose(-1, -2), p.rotmats);
    EXPECT_TRUE(torch::allclose(rtr, torch::eye(3).expand_as(rtr), 1e-4, 1e-4));
  }
  EXPECT_THROW(net.forward(torch::randn({2, 1, 64, 64})), motioncue::Error);
  EXPECT_THROW(net.regress(torch::randn({2, 100})), motioncue::Error);
}

TEST(PoseNetwork, ZeroResidualHeadsReturnTheInitialState) {
  torch::manual_seed(0);
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  {
    torch::NoGradGuard g;
    for (auto& [name, p] : net.named_parameters())
      if (name.rfind("dec", 0) == 0) p.zero_();
  }
  auto p = net.forward(torch::randn({3, 3, 64, 64}));
  auto init = mm::InitialState::upright_default();
  EXPECT_TRUE(torch::allclose(p.pose6d, init.pose6d.expand({3, 144})));
  EXPECT_TRUE(torch::allclose(p.cam, init.cam.expand({3, 3})));
  EXPECT_TRUE(torch::allclose(p.rotmats[1][0], torch::diag(torch::tensor({1.f, -1.f, -1.f}))));
}

TEST(PoseNetwork, ResidualHeadsStartSmall) {
  // Xavier-uniform with gain 0.01: the first predictions stay near the initial state.
  torch::manual_seed(0);
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  auto w = as_map(net.named_parameters())["decpose.weight"];
  const double bound = 0.01 * std::sqrt(6.0 / (1024 + 144));
  EXPECT_LE(w.abs().max().item<double>(), bound + 1e-9);
  EXPECT_GT(w.abs().max().item<double>(), 0.5 * bound);
}

TEST(PoseNetwork, ParameterNamesFollowSpinAndTorchvision) {
  mm::NetworkConfig c;
  c.backbone = "resnet18";
  c.resolution = 224;
  mm::PoseNetwork net(c, mm::InitialState::upright_default());
  auto params = as_map(net.named_parameters());
  auto buffers = as_map(net.named_buffers());
  EXPECT_EQ(net.feature_dim(), 512);
  for (const char* name :
       {"conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight", "layer1.1.bn2.bias",
        "layer2.0.downsample.0.weight", "layer2.0.downsample.1.weight", "layer4.1.conv2.weight",
        "fc1.weight", "fc1.bias", "fc2.weight", "decpose.weight", "decshape.bias", "deccam.weight"})
    EXPECT_EQ(params.count(name), 1u) << name;
  for (const char* name : {"bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
                           "init_pose", "init_shape", "init_cam"})
    EXPECT_EQ(buffers.count(name), 1u) << name;
  EXPECT_EQ(params["conv1.weight"].sizes(), (std::vector<int64_t>{64, 3, 7, 7}));
  EXPECT_EQ(params["fc1.weight"].sizes(), (std::vector<int64_t>{1024, 512 + 157}));
  EXPECT_EQ(buffers["init_pose"].sizes(), (std::vector<int64_t>{1, 144}));
  // torchvision's resnet18 has 60 parameter tensors besides its fc; SPIN adds 10 regressor ones.
  EXPECT_EQ(params.size(), 60u + 10u);
  // 11.18 M backbone parameters (torchvision resnet18 without fc) + the regressor.
  const int64_t regressor = (512 + 157) * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 157 + 157;
  EXPECT_EQ(net.parameter_count() - regressor, 11176512);
}

TEST(PoseNetwork, Resnet50HasBottleneckFeatures) {
  mm::NetworkConfig c;
  c.backbone = "resnet50";
  c.resolution = 64;
  mm::PoseNetwork net(c, mm::InitialState::upright_default());
  EXPECT_EQ(net.feature_dim(), 2048);
  auto params = as_map(net.named_parameters());
  EXPECT_EQ(params.count("layer3.5.conv3.weight"), 1u);
  EXPECT_EQ(params.count("layer1.0.downsample.0.weight"), 1u);
  const int64_t regressor = (2048 + 157) * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 157 + 157;
  EXPECT_EQ(net.parameter_count() - regressor, 23508032);  // torchvision resnet50 without fc
  EXPECT_THROW(mm::PoseNetwork({"resnet7", 64, 3, 0.5}, mm::InitialState::upright_default()),
               motioncue::Error);
}

TEST(PoseNetwork, FlopsMatchTheKnownResnet18Count) {
  mm::NetworkConfig c;
  c.backbone = "resnet18";
  c.resolution = 224;
  mm::PoseNetwork net(c, mm::InitialState::upright_default());
  const int64_t regressor_macs = 3 * ((512 + 157) * 1024 + 1024 * 1024 + 1024 * 157);
  // torchvision resnet18's convolutions at 224 px: 1.8136 G multiply-adds.
  const double backbone_macs = static_cast<double>(net.flops_per_image() / 2 - regressor_macs);
  EXPECT_NEAR(backbone_macs / 1e9, 1.8136, 0.002);
  EXPECT_FALSE(net.is_training());
}

TEST(PoseNetwork, TrainModeDropoutAndFrozenBatchNorm) {
  torch::manual_seed(0);
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  auto x = torch::randn({4, 3, 64, 64});
  auto running = as_map(net.named_buffers())["bn1.running_mean"];

  net.set_train(false);
  auto a = net.forward(x).pose6d, b = net.forward(x).pose6d;
  EXPECT_TRUE(torch::equal(a, b));

  net.set_train(true);
  auto before = running.clone();
  auto c = net.forward(x).pose6d, d = net.forward(x).pose6d;
  EXPECT_FALSE(torch::equal(c, d));             // dropout active
  EXPECT_FALSE(torch::equal(before, running));  // statistics updated

  net.freeze_batchnorm(true);
  net.set_dropout(false);
  net.set_train(true);  // the overrides survive set_train
  before = running.clone();
  auto e = net.forward(x).pose6d, f = net.forward(x).pose6d;
  EXPECT_TRUE(torch::equal(e, f));
  EXPECT_TRUE(torch::equal(before, running));
  net.set_train(false);
  EXPECT_TRUE(torch::equal(e, net.forward(x).pose6d));  // frozen BN + no dropout == eval mode
}

TEST(PoseNetwork, GradientsReachEveryParameter) {
  torch::manual_seed(0);
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  net.set_train(true);
  auto p = net.forward(torch::randn({4, 3, 64, 64}));
  auto loss = (p.rotmats - torch::randn_like(p.rotmats)).pow(2).mean() + p.betas.pow(2).mean() +
              (p.cam - 1).pow(2).mean();
  loss.backward();
  for (auto& [name, param] : net.named_parameters()) {
    ASSERT_TRUE(param.grad().defined()) << name;
    EXPECT_GT(param.grad().abs().sum().item<double>(), 0.0) << name;
  }
}

TEST(PoseNetwork, OverfitsATinyBatch) {
  torch::manual_seed(0);
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  net.set_train(true);
  net.set_dropout(false);
  auto images = torch::randn({8, 3, 64, 64});
  auto target_pose = torch::randn({8, 144}) * 0.5;
  auto target_betas = torch::randn({8, 10});
  auto target_cam = torch::randn({8, 3}) * 0.2 + torch::tensor({0.9f, 0.f, 0.f});
  torch::optim::Adam adam(net.parameters(), torch::optim::AdamOptions(1e-3));
  auto mse = [&] {
    auto p = net.forward(images);
    return (torch::cat({p.pose6d, p.betas, p.cam}, 1) -
            torch::cat({target_pose, target_betas, target_cam}, 1))
        .pow(2)
        .mean();
  };
  const double initial = mse().item<double>();
  double last = initial;
  for (int step = 0; step < 300 && last > 1e-4; ++step) {
    adam.zero_grad();
    auto loss = mse();
    loss.backward();
    adam.step();
    last = loss.item<double>();
  }
  EXPECT_GT(initial, 0.3);
  EXPECT_LT(last, 1e-3);
}
