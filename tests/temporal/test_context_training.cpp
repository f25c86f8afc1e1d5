#include <gtest/gtest.h>

#include <torch/torch.h>

#include <filesystem>

#include "../data/tiny_datasets.h"
#include "../support/compact_network.h"
#include "../support/default_body.h"
#include "../support/temp_dir.h"
#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/model/network.h"
#include "motioncue/temporal/context_training.h"

namespace mm = motioncue::model;
namespace mt = motioncue::temporal;

namespace {}  // namespace

TEST(ContextTraining, StepsOnAClipMoveTheHeadsAndLowerTheLoss) {
  torch::manual_seed(40);
  mm::NetworkConfig c;
  c.backbone = "compact";
  c.resolution = 64;
  mm::PoseNetwork net(c, mm::InitialState::upright_default());
  net.set_train(false);
  mt::ContextTrainingOptions options;
  options.context.frames = 2;
  options.resolution = 64;
  options.w_flow = 1.0;
  options.context_anchor = 0.1;
  mt::ContextNetwork context(options.context, net.feature_dim());
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
  // train_context turns its gradients off).
  for (const auto& [name, p] : net.named_parameters()) {
    const bool regressor = name.rfind("fc", 0) == 0 || name.rfind("dec", 0) == 0;
    if (!regressor) {
      EXPECT_TRUE(!p.grad().defined() || p.grad().abs().max().item<float>() == 0.f) << name;
    }
  }
}

TEST(ContextTraining, RejectsBadOptionsAndShapes) {
  mt::ContextTrainingOptions options;
  options.lr_context = 0;
  EXPECT_THROW(mt::validate(options), motioncue::Error);
  mm::NetworkConfig c;
  c.backbone = "compact";
  c.resolution = 64;
  mm::PoseNetwork net(c, mm::InitialState::upright_default());
  mt::ContextTrainingOptions good;
  good.context.frames = 2;
  mt::ContextNetwork context(good.context, net.feature_dim());
  mt::ClipBatch clip;
  clip.context_images = torch::zeros({1, 2, 3, 64, 64});  // k+1 = 3 expected
  clip.has_previous = {true};
  clip.images1 = clip.images2 = torch::zeros({1, 3, 64, 64});
  EXPECT_THROW(
      mt::context_step(net, context, motioncue::testing::default_body_model(), clip, nullptr, good),
      motioncue::Error);
}

// `temporal train --stop-after` / `--resume`: a run stopped after step 1 and resumed from its
// resume point ends bit-identical (context, image network, log) to an uninterrupted run of the same
// seed: the loaders continue at the stopped step and Adam's state and the generator are restored.
TEST(ContextTraining, AStoppedAndResumedRunEqualsAnUninterruptedOne) {
  torch::set_num_threads(1);
  motioncue::testing::TempDir tmp;
  motioncue::testing::VideoSpec spec;
  spec.frames = 5;
  motioncue::testing::write_sequence(tmp / "split" / "s0", spec);
  const auto ds = motioncue::data::VideoDataset::open(tmp / "split");
  mt::ContextTrainingOptions options;
  options.context.frames = 2;
  options.resolution = 64;
  options.steps = 3;
  options.batch_size = 2;
  options.lr_context = 1e-3;
  options.lr_network = 1e-4;  // both parameter groups train
  options.w_flow = 1.0;
  options.flow_estimator = "farneback";
  options.seed = 3;
  options.workers = 2;
  struct Run {
    std::unique_ptr<mm::PoseNetwork> net;
    std::unique_ptr<mt::ContextNetwork> context;
    mt::ContextTrainingLog log;
  };
  auto run = [&](const mt::ContextTrainingControl& control) {
    torch::manual_seed(9);
    Run r;
    r.net = std::make_unique<mm::PoseNetwork>(motioncue::testing::compact64(),
                                              mm::InitialState::upright_default());
    r.context = std::make_unique<mt::ContextNetwork>(options.context, r.net->feature_dim());
    r.log = mt::train_context(*r.net, *r.context, motioncue::testing::default_body_model(), ds,
                              nullptr, options, {}, control);
    return r;
  };
  const auto whole = run({});
  EXPECT_TRUE(whole.log.finished);
  const auto dir = tmp / "run";
  std::filesystem::create_directories(dir);
  // Nothing to resume yet: the error names the missing file.
  try {
    run({dir, true, 0});
    ADD_FAILURE() << "resumed without a resume point";
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("last.ckpt"), std::string::npos) << e.what();
  }
  const auto stopped = run({dir, false, 1});
  EXPECT_FALSE(stopped.log.finished);
  EXPECT_EQ(stopped.log.total.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(mt::context_resume_network(dir)));
  EXPECT_TRUE(std::filesystem::exists(mt::context_resume_context(dir)));
  const auto resumed = run({dir, true, 0});
  EXPECT_TRUE(resumed.log.finished);
  EXPECT_EQ(resumed.log.total, whole.log.total);
  EXPECT_EQ(resumed.log.flow, whole.log.flow);
  EXPECT_EQ(resumed.log.anchor, whole.log.anchor);
  const auto a = whole.context->named_parameters(), b = resumed.context->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
  const auto na = whole.net->named_parameters(), nb = resumed.net->named_parameters();
  ASSERT_EQ(na.size(), nb.size());
  bool moved = false;
  for (size_t i = 0; i < na.size(); ++i)
    EXPECT_TRUE(torch::equal(na[i].second, nb[i].second)) << na[i].first;
  for (size_t i = 0; i < na.size(); ++i)
    moved = moved || !torch::equal(na[i].second, stopped.net->named_parameters()[i].second);
  EXPECT_TRUE(moved);  // steps 2 and 3 trained the image network
}
