#include <gtest/gtest.h>

#include <torch/torch.h>

#include <fstream>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/model/network.h"
#include "motioncue/temporal/context_checkpoint.h"
#include "motioncue/temporal/context_model.h"

namespace mm = motioncue::model;
namespace mt = motioncue::temporal;

namespace {

mm::PoseNetwork small_network() {
  mm::NetworkConfig c;
  c.backbone = "compact";
  c.resolution = 64;
  mm::PoseNetwork net(c, mm::InitialState::upright_default());
  net.set_train(false);
  return net;
}

mt::ContextConfig config(int k) {
  mt::ContextConfig c;
  c.frames = k;
  return c;
}

void randomise_heads(mt::ContextNetwork& context) {
  torch::NoGradGuard no_grad;
  for (auto& [name, p] : context.named_parameters())
    if (name.find("head") != std::string::npos) p.normal_(0, 0.05);
}

}  // namespace

TEST(ContextNetwork, ZeroHeadsGiveExactlyGammaOneBetaZero) {
  torch::manual_seed(1);
  mt::ContextNetwork context(config(8), 32);
  auto film = context.film(torch::randn({5, 8, mt::kContextValues}) * 3);
  EXPECT_TRUE(torch::equal(film.gamma, torch::ones({5, 32})));
  EXPECT_TRUE(torch::equal(film.beta, torch::zeros({5, 32})));
  EXPECT_EQ(context.parameter_count(),
            8 * 16 + 16 + 16 * 85 * 128 + 128 + 2 * 128 * 32);  // bias-free heads
}

TEST(ContextNetwork, AtInitialisationTheModelIsTheSingleFrameNetwork) {
  torch::manual_seed(2);
  auto net = small_network();
  mt::ContextNetwork context(config(4), net.feature_dim());
  auto images = torch::randn({3, 3, 64, 64});
  auto plain = net.forward(images);
  auto with =
      mt::predict_with_context(net, context, images, torch::randn({3, 4, mt::kContextValues}));
  EXPECT_TRUE(torch::equal(plain.pose6d, with.pose6d));
  EXPECT_TRUE(torch::equal(plain.betas, with.betas));
  EXPECT_TRUE(torch::equal(plain.cam, with.cam));

  // Trained heads do change the output (the comparison above can fail).
  randomise_heads(context);
  auto changed =
      mt::predict_with_context(net, context, images, torch::randn({3, 4, mt::kContextValues}));
  EXPECT_FALSE(torch::allclose(plain.pose6d, changed.pose6d));
}

TEST(ContextNetwork, WithZeroFramesItIsTheSingleFrameNetwork) {
  torch::manual_seed(3);
  auto net = small_network();
  mt::ContextNetwork context(config(0), net.feature_dim());
  EXPECT_EQ(context.parameter_count(), 0);
  auto images = torch::randn({2, 3, 64, 64});
  auto plain = net.forward(images);
  auto with =
      mt::predict_with_context(net, context, images, torch::zeros({2, 0, mt::kContextValues}));
  EXPECT_TRUE(torch::equal(plain.pose6d, with.pose6d));
  EXPECT_TRUE(torch::equal(plain.cam, with.cam));
}

TEST(ContextNetwork, FramesWithoutContextTakeTheSingleFramePath) {
  torch::manual_seed(4);
  auto net = small_network();
  mt::ContextNetwork context(config(2), net.feature_dim());
  randomise_heads(context);
  auto images = torch::randn({2, 3, 64, 64});
  auto plain = net.forward(images);
  auto with = mt::predict_with_context(net, context, images,
                                       torch::randn({2, 2, mt::kContextValues}), {false, true});
  EXPECT_TRUE(torch::equal(plain.pose6d[0], with.pose6d[0]));
  EXPECT_FALSE(torch::allclose(plain.pose6d[1], with.pose6d[1]));
}

TEST(ContextNetwork, RejectsBadShapesAndConfigs) {
  mt::ContextNetwork context(config(3), 16);
  EXPECT_THROW(context.film(torch::zeros({2, 4, mt::kContextValues})), motioncue::Error);
  EXPECT_THROW(context.modulate(torch::zeros({2, 15}), torch::zeros({2, 3, 85})), motioncue::Error);
  EXPECT_THROW(mt::ContextNetwork(config(-1), 16), motioncue::Error);
}

TEST(ContextWindows, PreviousFramesOldestFirstPaddedWithTheFirstFrame) {
  auto rows = torch::arange(5, torch::kFloat).unsqueeze(1).expand({5, 85}).contiguous();
  auto w = mt::context_windows(rows, 3);
  ASSERT_EQ(w.sizes(), (std::vector<int64_t>{5, 3, 85}));
  const std::vector<std::vector<float>> expected = {
      {0, 0, 0}, {0, 0, 0}, {0, 0, 1}, {0, 1, 2}, {1, 2, 3}};
  for (int t = 0; t < 5; ++t)
    for (int j = 0; j < 3; ++j) EXPECT_EQ(w[t][j][7].item<float>(), expected[t][j]) << t << j;
}

TEST(ContextRows, AxisAnglePoseThenBetasThenCamera) {
  mm::Prediction p;
  p.rotmats = torch::eye(3).expand({2, 24, 3, 3}).contiguous();
  p.pose6d = torch::zeros({2, 144});
  p.betas = torch::full({2, 10}, 0.5);
  p.cam = torch::tensor({{0.9f, 0.1f, -0.2f}, {1.f, 0.f, 0.f}});
  auto rows = mt::context_rows(p);
  ASSERT_EQ(rows.sizes(), (std::vector<int64_t>{2, 85}));
  EXPECT_NEAR(rows.slice(1, 0, 72).abs().max().item<float>(), 0.f, 1e-6);
  EXPECT_EQ(rows[0][72].item<float>(), 0.5f);
  EXPECT_EQ(rows[0][83].item<float>(), 0.1f);
}

TEST(ContextCheckpoint, RoundTripAndCorruptionIsReported) {
  motioncue::testing::TempDir dir;
  torch::manual_seed(5);
  mt::ContextNetwork context(config(3), 24);
  randomise_heads(context);
  const auto file = dir.path() / "context.pt";
  mt::save_context(file, context, {{"step", 7}});
  auto loaded = mt::load_context(file);
  EXPECT_EQ(loaded.meta["step"], 7);
  EXPECT_EQ(loaded.network.config().frames, 3);
  auto ctx = torch::randn({2, 3, 85});
  auto a = context.film(ctx), b = loaded.network.film(ctx);
  EXPECT_TRUE(torch::equal(a.gamma, b.gamma));
  EXPECT_TRUE(torch::equal(a.beta, b.beta));
  {
    std::ofstream out(file, std::ios::binary | std::ios::app);
    out << "x";
  }
  EXPECT_THROW(mt::load_context(file), motioncue::Error);
}
