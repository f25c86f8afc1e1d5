// TrainingLoop's bookkeeping around a loss: the learning-rate schedule, gradient clipping and the
// refusal of a non-finite loss.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <limits>
#include <string>
#include <vector>

#include "motioncue/core/run_dir.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/model/network.h"
#include "motioncue/train/model_selection.h"
#include "motioncue/train/trainable.h"
#include "motioncue/train/training_loop.h"
#include "tiny_benchmark.h"

namespace mm = motioncue::model;
namespace mt = motioncue::train;
using motioncue::testing::TempDir;

namespace {

// The parameters as one flat vector (a copy).
torch::Tensor flat(const mm::PoseNetwork& net) {
  std::vector<torch::Tensor> parts;
  for (const auto& p : net.parameters()) parts.push_back(p.detach().flatten().clone());
  return torch::cat(parts);
}

// A loop on `net` whose only validation would be at `steps`, over the tiny benchmark's val split.
struct LoopFixture {
  explicit LoopFixture(mm::PoseNetwork& net, mt::LoopSettings settings)
      : trainable(net),
        run(dir / "run"),
        val(motioncue::data::VideoDataset::open(motioncue::testing::tiny_benchmark() / "val")),
        selector(val, motioncue::testing::body_model(), 32, run / "best.ckpt"),
        loop(run, trainable, selector, {{"kind", "test"}}, std::move(settings)) {}
  mt::NetworkTrainable trainable;
  TempDir dir;
  motioncue::RunDir run;
  motioncue::data::VideoDataset val;
  mt::ModelSelector selector;
  mt::TrainingLoop loop;
};

mt::LoopSettings settings(int steps, double grad_clip = 0, std::string schedule = "constant") {
  mt::LoopSettings s;
  s.steps = steps;
  s.log_every = 1;
  s.val_every = steps;
  s.label = "test";
  s.grad_clip = grad_clip;
  s.lr_schedule = std::move(schedule);
  return s;
}

}  // namespace

TEST(LrFactor, ConstantIsOne) {
  for (int step : {1, 50, 100}) EXPECT_EQ(mt::lr_factor("constant", step, 100), 1.0);
}

TEST(LrFactor, CosineStartsAtOneDecreasesAndEndsNearZero) {
  const int steps = 200;
  EXPECT_DOUBLE_EQ(mt::lr_factor("cosine", 1, steps), 1.0);
  double previous = 1.0;
  for (int step = 2; step <= steps; ++step) {
    const double f = mt::lr_factor("cosine", step, steps);
    EXPECT_LT(f, previous) << "step " << step;
    EXPECT_GT(f, 0.0) << "step " << step;
    previous = f;
  }
  EXPECT_LT(previous, 1e-3);
  EXPECT_NEAR(mt::lr_factor("cosine", steps / 2 + 1, steps), 0.5, 1e-12);
}

TEST(LrFactor, UnknownScheduleThrowsNamingIt) {
  try {
    mt::lr_factor("linear", 1, 10);
    FAIL() << "no error";
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("linear"), std::string::npos) << e.what();
  }
}

TEST(TrainingLoop, RejectsAnUnknownScheduleBeforeTraining) {
  mm::PoseNetwork net = motioncue::testing::small_network(3);
  EXPECT_THROW({ LoopFixture rejected(net, settings(10, 0, "step")); }, motioncue::Error);
}

TEST(TrainingLoop, NonFiniteLossThrowsNamingTheStepAndLeavesTheNetworkAlone) {
  mm::PoseNetwork net = motioncue::testing::small_network(3);
  LoopFixture f(net, settings(10));
  torch::optim::SGD sgd(net.parameters(), torch::optim::SGDOptions(0.1));
  const torch::Tensor before = flat(net);
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    const torch::Tensor loss = net.forward(torch::randn({2, 3, 32, 32})).cam.sum() * bad;
    try {
      f.loop.step(7, loss, sgd, {});
      FAIL() << "no error for " << bad;
    } catch (const motioncue::Error& e) {
      EXPECT_NE(std::string(e.what()).find("step 7"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(torch::equal(flat(net), before));
}

namespace {

// The norm of the update that step 1 of a huge loss makes. With plain SGD at lr 1 the update is
// minus the gradient, so clipping bounds its norm.
double huge_loss_update(mm::PoseNetwork& net, LoopFixture& f) {
  torch::optim::SGD sgd(net.parameters(), torch::optim::SGDOptions(1.0));
  const torch::Tensor before = flat(net);
  const torch::Tensor loss = 1e6 * net.forward(torch::randn({2, 3, 32, 32})).cam.pow(2).sum();
  f.loop.step(1, loss, sgd, {});
  return (flat(net) - before).norm().item<double>();
}

}  // namespace

TEST(TrainingLoop, GradClipBoundsTheUpdateOfAHugeLossAndLogsTheNormBeforeClipping) {
  const double clip = 0.5;
  mm::PoseNetwork net = motioncue::testing::small_network(3);
  LoopFixture f(net, settings(1, clip));  // step 1 is the last: it validates, writing curves.csv
  const double update = huge_loss_update(net, f);
  EXPECT_LE(update, clip * (1 + 1e-4));
  EXPECT_GT(update, 0.5 * clip);
  const auto curves = motioncue::testing::read_curves(f.run / "curves.csv");
  ASSERT_EQ(curves.count("grad_norm"), 1u);
  const auto logged = motioncue::testing::present(curves.at("grad_norm"));
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_GT(logged[0], 100 * clip);  // the norm before clipping
}

TEST(TrainingLoop, WithoutGradClipTheSameLossMakesAHugeUpdate) {
  mm::PoseNetwork net = motioncue::testing::small_network(3);
  LoopFixture f(net, settings(2, 0));  // no validation of the wrecked network at step 1
  EXPECT_GT(huge_loss_update(net, f), 100.0);
}

TEST(TrainingLoop, CosineScheduleSetsTheOptimizersLearningRateEachStep) {
  mm::PoseNetwork net = motioncue::testing::small_network(3);
  const int steps = 4;
  mt::LoopSettings s = settings(steps, 0, "cosine");
  s.val_every = 1000;  // no validation: only the schedule is looked at
  s.steps = steps + 1;
  LoopFixture f(net, s);
  torch::optim::SGD sgd(net.parameters(), torch::optim::SGDOptions(1e-4));
  for (int step = 1; step <= steps; ++step) {
    f.loop.step(step, net.forward(torch::randn({2, 3, 32, 32})).cam.pow(2).mean(), sgd, {});
    EXPECT_NEAR(sgd.param_groups()[0].options().get_lr(),
                1e-4 * mt::lr_factor("cosine", step, steps + 1), 1e-15)
        << "step " << step;
  }
}
