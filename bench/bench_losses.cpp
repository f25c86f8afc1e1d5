// The flow-consistency loss (docs/METHOD.md section 4) forward + backward for a batch of 16 pairs
// of the built-in open body model (its vertex count is reported as a counter; SMPL has 6890) at 224
// px: projection, visibility (optional), bilinear flow sampling, the masked, thresholded,
// normalised error and its gradient back to the vertices and cameras. Also the texture loss and the
// supervised loss for comparison.
#include <benchmark/benchmark.h>

#include <torch/torch.h>

#include <cmath>

#include "motioncue/body/body_model.h"
#include "motioncue/losses/flow_consistency.h"
#include "motioncue/losses/projected_pair.h"
#include "motioncue/losses/supervised.h"
#include "motioncue/losses/texture_consistency.h"

namespace losses = motioncue::losses;

namespace {

constexpr int kResolution = 224;
constexpr int64_t kBatch = 16;

struct PairBatch {
  at::Tensor verts1, verts2;    // N x V x 3 float32, two poses a frame apart
  at::Tensor cam1, cam2;        // N x 3
  at::Tensor faces;             // F x 3 int64
  at::Tensor flow_fw, flow_bw;  // N x 2 x 224 x 224, smooth, a few pixels
  at::Tensor image1, image2;    // N x 3 x 224 x 224
};

const PairBatch& pair_batch() {
  static const PairBatch b = [] {
    const auto model = motioncue::body::load_default_model();
    torch::manual_seed(0);
    auto pose = torch::zeros({kBatch, 72});
    pose.select(1, 0).fill_(M_PI);  // 180 deg about x: y down, facing the camera
    pose.narrow(1, 3, 69) += torch::randn({kBatch, 69}) * 0.2;
    auto pose2 = pose + torch::randn({kBatch, 72}) * 0.02;
    const auto betas = torch::zeros({kBatch, 10}, model.dtype());
    PairBatch p;
    p.verts1 = model.forward_axis_angle(pose.to(model.dtype()), betas).vertices.to(torch::kFloat32);
    p.verts2 =
        model.forward_axis_angle(pose2.to(model.dtype()), betas).vertices.to(torch::kFloat32);
    p.faces = model.faces();
    // The body fills ~80 % of the crop's height.
    const auto lo = std::get<0>(p.verts1.min(1)), hi = std::get<0>(p.verts1.max(1));
    const auto s = 1.6 / (hi - lo).select(1, 1);
    const auto centre = (lo + hi) * 0.5;
    p.cam1 = torch::stack({s, -s * centre.select(1, 0), -s * centre.select(1, 1)}, 1);
    p.cam2 = p.cam1 + torch::randn({kBatch, 3}) * 0.01;
    p.flow_fw = torch::upsample_bilinear2d(torch::randn({kBatch, 2, 8, 8}) * 3,
                                           {kResolution, kResolution}, false);
    p.flow_bw = -p.flow_fw;
    p.image1 = torch::rand({kBatch, 3, kResolution, kResolution});
    p.image2 = torch::rand({kBatch, 3, kResolution, kResolution});
    return p;
  }();
  return b;
}

// Leaves standing in for the network's outputs, so the backward pass ends at them.
struct Leaves {
  at::Tensor verts1, verts2, cam1, cam2;
};

Leaves leaves(const PairBatch& b) {
  return {b.verts1.clone().requires_grad_(true), b.verts2.clone().requires_grad_(true),
          b.cam1.clone().requires_grad_(true), b.cam2.clone().requires_grad_(true)};
}

// arg 0: visibility (rasterise both frames) on or off.
void BM_FlowLossForwardBackward(benchmark::State& state) {
  const bool visibility = state.range(0) != 0;
  const auto& b = pair_batch();
  auto x = leaves(b);
  losses::FlowLossOptions options;
  double visible = 0;
  for (auto _ : state) {
    const auto pair =
        losses::project_pair(x.verts1, x.cam1, x.verts2, x.cam2, b.faces, kResolution, visibility);
    const auto terms = losses::flow_consistency_loss(pair.p1, pair.p2, pair.both_visible, b.flow_fw,
                                                     b.flow_bw, options);
    terms.loss.backward();
    visible = terms.mean_visible_fraction;
    for (auto* t : {&x.verts1, &x.verts2, &x.cam1, &x.cam2}) t->mutable_grad() = at::Tensor();
  }
  state.counters["visible_fraction"] = visible;
  state.counters["vertices"] = double(b.verts1.size(1));
  state.SetLabel(visibility ? "with visibility" : "without visibility");
}
BENCHMARK(BM_FlowLossForwardBackward)
    ->Arg(1)
    ->Arg(0)
    ->ArgName("visibility")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The loss alone on given projected points and mask (no projection, no rasteriser).
void BM_FlowLossCoreForwardBackward(benchmark::State& state) {
  const auto& b = pair_batch();
  const auto pair =
      losses::project_pair(b.verts1, b.cam1, b.verts2, b.cam2, b.faces, kResolution, true);
  auto p1 = pair.p1.detach().clone().requires_grad_(true);
  auto p2 = pair.p2.detach().clone().requires_grad_(true);
  for (auto _ : state) {
    const auto terms =
        losses::flow_consistency_loss(p1, p2, pair.both_visible, b.flow_fw, b.flow_bw, {});
    terms.loss.backward();
    p1.mutable_grad() = at::Tensor();
    p2.mutable_grad() = at::Tensor();
  }
}
BENCHMARK(BM_FlowLossCoreForwardBackward)->Unit(benchmark::kMillisecond)->UseRealTime();

// Only the visibility of both frames (what arg 1 above adds).
void BM_PairVisibility(benchmark::State& state) {
  const auto& b = pair_batch();
  for (auto _ : state) {
    const auto pair =
        losses::project_pair(b.verts1, b.cam1, b.verts2, b.cam2, b.faces, kResolution, true);
    benchmark::DoNotOptimize(pair.both_visible.data_ptr<bool>());
  }
}
BENCHMARK(BM_PairVisibility)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TextureLossForwardBackward(benchmark::State& state) {
  const auto& b = pair_batch();
  auto x = leaves(b);
  const auto mask =
      losses::project_pair(b.verts1, b.cam1, b.verts2, b.cam2, b.faces, kResolution, true)
          .both_visible;
  for (auto _ : state) {
    const auto pair =
        losses::project_pair(x.verts1, x.cam1, x.verts2, x.cam2, b.faces, kResolution, false);
    const auto terms = losses::texture_consistency_loss(b.image1, b.image2, pair.p1, pair.p2, mask);
    terms.loss.backward();
    for (auto* t : {&x.verts1, &x.verts2, &x.cam1, &x.cam2}) t->mutable_grad() = at::Tensor();
  }
  state.SetLabel("projection + colour sampling, visibility given");
}
BENCHMARK(BM_TextureLossForwardBackward)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SupervisedLossForwardBackward(benchmark::State& state) {
  torch::manual_seed(1);
  const auto rotmats = torch::eye(3).expand({kBatch, 24, 3, 3}).contiguous();
  losses::SupervisedTargets t;
  t.rotmats = rotmats + torch::randn({kBatch, 24, 3, 3}) * 0.1;
  t.betas = torch::randn({kBatch, 10});
  t.has_smpl = torch::ones({kBatch});
  t.keypoints2d =
      torch::cat({torch::rand({kBatch, 24, 2}) * 2 - 1, torch::ones({kBatch, 24, 1})}, 2);
  t.keypoints3d = torch::cat({torch::randn({kBatch, 24, 3}), torch::ones({kBatch, 24, 1})}, 2);
  auto r = rotmats.clone().requires_grad_(true);
  auto betas = torch::zeros({kBatch, 10}).requires_grad_(true);
  auto cam = torch::tensor({0.9, 0.0, 0.0}).repeat({kBatch, 1}).requires_grad_(true);
  auto kp = torch::randn({kBatch, 24, 3}).requires_grad_(true);
  for (auto _ : state) {
    const auto terms = losses::supervised_loss(r, betas, cam, kp, t);
    terms.total.backward();
    for (auto* x : {&r, &betas, &cam, &kp}) x->mutable_grad() = at::Tensor();
  }
}
BENCHMARK(BM_SupervisedLossForwardBackward)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
