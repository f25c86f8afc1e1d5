#include <gtest/gtest.h>

#include <torch/torch.h>

#include "motioncue/data/sequence_loader.h"
#include "motioncue/model/network.h"
#include "motioncue/temporal/context_model.h"
#include "motioncue/temporal/streaming.h"

namespace mm = motioncue::model;
namespace mt = motioncue::temporal;

namespace {

struct Fixture {
  mm::PoseNetwork net;
  mt::ContextNetwork context;
  explicit Fixture(int k)
      : net(
            [] {
              mm::NetworkConfig c;
              c.backbone = "compact";
              c.resolution = 64;
              return c;
            }(),
            mm::InitialState::upright_default()),
        context(mt::ContextConfig{k, 16, 128}, net.feature_dim()) {
    net.set_train(false);
    context.set_train(false);
    torch::NoGradGuard no_grad;
    for (auto& [name, p] : context.named_parameters())
      if (name.find("head") != std::string::npos) p.normal_(0, 0.05);
  }
};

void expect_same(const mm::Prediction& a, const mm::Prediction& b) {
  EXPECT_TRUE(torch::allclose(a.pose6d, b.pose6d, 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(a.betas, b.betas, 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(a.cam, b.cam, 1e-4, 1e-5));
}

}  // namespace

TEST(Streaming, FrameByFrameEqualsWholeSequenceBatch) {
  torch::manual_seed(10);
  Fixture f(3);
  const int64_t t_count = 6;
  auto images = torch::randn({t_count, 3, 64, 64});
  auto batch = mt::predict_sequence(f.net, f.context, images);

  mt::StreamingPredictor stream(f.net, f.context);
  std::vector<mm::Prediction> frames;
  for (int64_t t = 0; t < t_count; ++t)
    frames.push_back(stream.predict(images.slice(0, t, t + 1), {0}, {t}));
  for (int64_t t = 0; t < t_count; ++t) {
    SCOPED_TRACE(t);
    EXPECT_TRUE(torch::allclose(frames[t].pose6d[0], batch.pose6d[t], 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(frames[t].cam[0], batch.cam[t], 1e-4, 1e-5));
  }
  // Frame 0 has no context: the single-frame network; later frames are modulated.
  auto plain = f.net.forward(images);
  EXPECT_TRUE(torch::allclose(batch.pose6d[0], plain.pose6d[0], 1e-4, 1e-5));
  EXPECT_FALSE(torch::allclose(batch.pose6d[4], plain.pose6d[4], 1e-4, 1e-5));
}

TEST(Streaming, BatchesSpanningSequencesRestartTheContext) {
  torch::manual_seed(11);
  Fixture f(2);
  auto a = torch::randn({4, 3, 64, 64}), b = torch::randn({3, 3, 64, 64});
  auto expected_a = mt::predict_sequence(f.net, f.context, a);
  auto expected_b = mt::predict_sequence(f.net, f.context, b);

  // Two sequences delivered in batches of 3 (as eval::evaluate does), through the Predictor.
  auto predictor = mt::context_predictor(f.net, f.context);
  auto all = torch::cat({a, b});
  std::vector<int64_t> seq = {0, 0, 0, 0, 1, 1, 1}, frame = {0, 1, 2, 3, 0, 1, 2};
  std::vector<at::Tensor> pose;
  for (int64_t start = 0; start < 7; start += 3) {
    motioncue::data::FrameBatch batch;
    const int64_t end = std::min<int64_t>(start + 3, 7);
    batch.images = all.slice(0, start, end);
    batch.seq.assign(seq.begin() + start, seq.begin() + end);
    batch.frame.assign(frame.begin() + start, frame.begin() + end);
    pose.push_back(predictor(batch).pose6d);
  }
  auto got = torch::cat(pose);
  EXPECT_TRUE(torch::allclose(got.slice(0, 0, 4), expected_a.pose6d, 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(got.slice(0, 4, 7), expected_b.pose6d, 1e-4, 1e-5));
}

TEST(Streaming, ZeroFramesOfContextIsTheSingleFrameNetwork) {
  torch::manual_seed(12);
  Fixture f(0);
  auto images = torch::randn({3, 3, 64, 64});
  expect_same(mt::predict_sequence(f.net, f.context, images), f.net.forward(images));
  mt::StreamingPredictor stream(f.net, f.context);
  expect_same(stream.predict(images, {0, 0, 0}, {0, 1, 2}), f.net.forward(images));
}
