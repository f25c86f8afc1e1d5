// The supervised loss reaches every trainable parameter of the network.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "motioncue/data/labeled_dataset.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/losses/labeled_batch_loss.h"
#include "motioncue/losses/supervised.h"
#include "motioncue/model/network.h"
#include "tiny_benchmark.h"

namespace mm = motioncue::model;
namespace md = motioncue::data;

TEST(SupervisedGradients, OneBackwardPassReachesEveryParameter) {
  const auto root = motioncue::testing::tiny_benchmark();
  const auto labeled = md::LabeledDataset::open(root / "labeled" / "annotations.npz");
  const md::LabeledBatch batch = md::load_labeled(labeled, {0, 1, 2, 3}, 32);
  mm::PoseNetwork net = motioncue::testing::small_network(11);
  net.set_dropout(false);  // dropout's zeroed units must not hide a missing path
  const auto terms = motioncue::losses::supervised_forward(
      net, motioncue::testing::body_model(), batch, motioncue::losses::SupervisedWeights{});
  ASSERT_TRUE(std::isfinite(terms.total.item<double>()));
  terms.total.backward();
  int checked = 0;
  for (const auto& [name, p] : net.named_parameters()) {
    if (!p.requires_grad()) continue;
    ++checked;
    ASSERT_TRUE(p.grad().defined()) << name;
    EXPECT_TRUE(torch::isfinite(p.grad()).all().item<bool>()) << name;
    EXPECT_GT(p.grad().abs().max().item<double>(), 0.0) << name;
  }
  EXPECT_EQ(checked, static_cast<int>(net.parameters().size()));
}
