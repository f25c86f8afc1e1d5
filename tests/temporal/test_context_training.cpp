#include <gtest/gtest.h>

#include <torch/torch.h>

#include "../support/default_body.h"
#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/model/network.h"
#include "motioncue/temporal/context_training.h"

namespace mm = motioncue::model;
namespace mt = motioncue::temporal;

TEST(ContextTraining, StepsOnAClipMoveTheHeadsAndLowerTheLoss) {
  torch::manual_seed(40);
  mm::NetworkConfig c;
  c.backbone = "compact";
  c.resolution = 64;
  mm::PoseNetwork net(c, mm::InitialState::upright_default());
  net.set_train(false);
  mt::ContextLossOptions options;
  options.resolution = 64;
  options.w_flow = 1.0;
  options.context_anchor = 0.1;
  mt::ContextNetwork context(mt::ContextConfig{2}, net.feature_dim());
  mt::ClipBatch clip;
  const int64_t n = 2;
  clip.context_images = torch::randn({n, 3, 3, 64, 64});
  clip.has_previous = {false, true};
  clip.images1 = torch::randn({n, 3, 64, 64});
  clip.images2 = torch::randn({n, 3, 64, 64});
  clip.flow_fw = torch::full({n, 2, 64, 64}, 1.5);
  clip.flow_bw = -clip.flow_fw;

  auto first = mt::context_step(net, context, motioncue::testing::default_body_model(), clip,
                                nullptr, options);
  EXPECT_EQ(first.anchor, 0.0);  // zero heads: the context changes nothing yet
  EXPECT_GT(first.flow, 0.0);
  torch::optim::Adam adam(context.parameters(), torch::optim::AdamOptions(1e-3));
  double last = first.total.item<double>();
  for (int i = 0; i < 8; ++i) {
    adam.zero_grad();
    auto terms = mt::context_step(net, context, motioncue::testing::default_body_model(), clip,
                                  nullptr, options);
    terms.total.backward();
    adam.step();
    last = terms.total.item<double>();
  }
  EXPECT_LT(last, first.total.item<double>());
  for (const auto& [name, p] : context.named_parameters())
    if (name.find("head") != std::string::npos) {
      EXPECT_GT(p.abs().max().item<float>(), 0.f) << name;
    }
  // The image network was frozen: its backbone got no gradient (the regressor is in the graph;
  // run_temporal_training turns its gradients off).
  for (const auto& [name, p] : net.named_parameters()) {
    const bool regressor = name.rfind("fc", 0) == 0 || name.rfind("dec", 0) == 0;
    if (!regressor) {
      EXPECT_TRUE(!p.grad().defined() || p.grad().abs().max().item<float>() == 0.f) << name;
    }
  }
}

TEST(ContextTraining, RejectsClipsOfTheWrongLength) {
  mm::NetworkConfig c;
  c.backbone = "compact";
  c.resolution = 64;
  mm::PoseNetwork net(c, mm::InitialState::upright_default());
  const mt::ContextLossOptions good;
  mt::ContextNetwork context(mt::ContextConfig{2}, net.feature_dim());
  mt::ClipBatch clip;
  clip.context_images = torch::zeros({1, 2, 3, 64, 64});  // k+1 = 3 expected
  clip.has_previous = {true};
  clip.images1 = clip.images2 = torch::zeros({1, 3, 64, 64});
  EXPECT_THROW(
      mt::context_step(net, context, motioncue::testing::default_body_model(), clip, nullptr, good),
      motioncue::Error);
}
