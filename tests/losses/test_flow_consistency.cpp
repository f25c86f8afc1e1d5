#include <gtest/gtest.h>
#include <torch/torch.h>

#include "../support/test_values.h"
#include "flow_fields.h"
#include "grad_check.h"
#include "motioncue/core/error.h"
#include "motioncue/losses/flow_consistency.h"

namespace {

using motioncue::losses::flow_consistency_loss;
using motioncue::losses::FlowLossOptions;
using motioncue::testing::affine_flow;
using motioncue::testing::constant_flow;

using motioncue::testing::kDouble;

FlowLossOptions options_at(int resolution) {
  FlowLossOptions o;
  o.resolution = resolution;
  return o;
}

// Weak-perspective projection to crop pixels (docs/METHOD.md section 2), for tests that start from
// vertices and cameras.
at::Tensor project(const at::Tensor& vertices, const at::Tensor& cam, double resolution) {
  const auto p = cam.narrow(1, 0, 1).unsqueeze(1) * vertices.narrow(2, 0, 2) +
                 cam.narrow(1, 1, 2).unsqueeze(1);
  return (p + 1.0) * (0.5 * resolution);
}

bool all_finite(const at::Tensor& t) { return torch::isfinite(t).all().item<bool>(); }

TEST(FlowConsistency, ZeroWhenTheFlowIsARigidTranslationMatchingTheMeshes) {
  torch::manual_seed(1);
  const int r = 64;
  const auto p1 = torch::rand({3, 50, 2}, kDouble) * 40 + 12;
  const auto d = torch::tensor({{3.3, -2.1}, {-7.0, 0.25}, {0.0, 11.5}}, kDouble);
  const auto p2 = p1 + d.unsqueeze(1);
  const auto mask = torch::rand({3, 50}) > 0.3;
  for (const bool normalize : {false, true}) {
    auto o = options_at(r);
    o.normalize = normalize;
    const auto terms =
        flow_consistency_loss(p1, p2, mask, constant_flow(d, r), constant_flow(-d, r), o);
    EXPECT_NEAR(terms.loss.item<double>(), 0.0, 1e-20);
    EXPECT_EQ(terms.pairs_kept, 6);
    EXPECT_EQ(terms.pairs_total, 6);
    EXPECT_NEAR(terms.mean_visible_fraction, mask.to(torch::kFloat64).mean().item<double>(), 1e-12);
  }
  // A wrong translation is penalised.
  const auto wrong = flow_consistency_loss(p1, p2 + 1.0, mask, constant_flow(d, r),
                                           constant_flow(-d, r), options_at(r));
  EXPECT_GT(wrong.loss.item<double>(), 1e-3);
}

TEST(FlowConsistency, ZeroWhenAnAffineFlowMatchesTheMeshesInBothDirections) {
  // Frame 2 points are p2 = p1 + A p1 + c; the backward flow of that map is affine too:
  // p1 - p2 = (I + A)^-1 (p2 - c) - p2.
  torch::manual_seed(2);
  const int r = 96;
  const auto A = torch::tensor({{{0.05, -0.02}, {0.03, -0.04}}}, kDouble);
  const auto c = torch::tensor({{2.0, -1.5}}, kDouble);
  const auto eye = torch::eye(2, kDouble).unsqueeze(0);
  const auto inv = torch::inverse(eye + A);
  const auto p1 = torch::rand({1, 80, 2}, kDouble) * 60 + 15;
  const auto p2 = p1 + torch::matmul(p1, A.transpose(1, 2)) + c.unsqueeze(1);
  const auto flow_fw = affine_flow(A, c, r);
  const auto flow_bw = affine_flow(inv - eye, -torch::matmul(inv, c.unsqueeze(2)).squeeze(2), r);
  const auto mask = torch::ones({1, 80}, torch::kBool);
  const auto terms = flow_consistency_loss(p1, p2, mask, flow_fw, flow_bw, options_at(r));
  EXPECT_NEAR(terms.forward_term.item<double>(), 0.0, 1e-18);
  EXPECT_NEAR(terms.backward_term.item<double>(), 0.0, 1e-18);
}

// Three pairs, three vertices each, R = 224, flows piecewise constant over columns: columns
// [0, 80) hold the value of vertex 0, [80, 160) vertex 1, [160, 224) vertex 2; the vertices sit
// in the middle of their bands (no interpolation across bands).
struct HandCase {
  at::Tensor p1, p2, mask, flow_fw, flow_bw;
};

HandCase hand_case() {
  const int r = 224;
  // Forward flow at vertex v of pair b.
  const double of[3][3][2] = {{{30, 40}, {3, 4}, {0, 0}},     // max 50: dropped (>= 50)
                              {{0, 49.5}, {0, 1.5}, {6, 8}},  // kept; vertex 2 not visible
                              {{60, 0}, {6, 8}, {0, 2}}};     // vertex 0 invisible: kept
  const bool visible[3][3] = {{true, true, false}, {true, true, false}, {false, true, true}};
  HandCase h;
  h.flow_fw = torch::zeros({3, 2, r, r}, kDouble);
  h.p1 = torch::zeros({3, 3, 2}, kDouble);
  h.mask = torch::zeros({3, 3}, torch::kBool);
  const double x_of_vertex[3] = {40.0, 120.0, 192.0};
  const int64_t band[4] = {0, 80, 160, 224};
  for (int b = 0; b < 3; ++b)
    for (int v = 0; v < 3; ++v) {
      for (int k = 0; k < 2; ++k)
        h.flow_fw[b][k].narrow(1, band[v], band[v + 1] - band[v]).fill_(of[b][v][k]);
      h.p1[b][v][0] = x_of_vertex[v];
      h.p1[b][v][1] = 100.0 + 10 * b + v;
      h.mask[b][v] = visible[b][v];
    }
  // Mesh flow = optical flow + a known error per vertex: (1, 0), (0, 2), (3, 4).
  const auto error = torch::tensor({{1.0, 0.0}, {0.0, 2.0}, {3.0, 4.0}}, kDouble).unsqueeze(0);
  h.p2 = h.p1 + torch::zeros({3, 3, 2}, kDouble);
  for (int b = 0; b < 3; ++b)
    for (int v = 0; v < 3; ++v)
      for (int k = 0; k < 2; ++k) h.p2[b][v][k] = h.p1[b][v][k].item<double>() + of[b][v][k];
  h.p2 = h.p2 + error;
  h.flow_bw = torch::zeros_like(h.flow_fw);
  return h;
}

TEST(FlowConsistency, ThresholdAndNormalisationOnAHandComputedCase) {
  const auto h = hand_case();
  auto o = options_at(224);
  o.backward = false;
  // Squared errors per vertex: 1, 4, 25. Pair 1: visible vertices 0, 1 -> e = (1 + 4) / 2 = 2.5,
  // mean |OF| = (49.5 + 1.5) / 2 = 25.5. Pair 2: visible 1, 2 -> e = (4 + 25) / 2 = 14.5,
  // mean |OF| = (10 + 2) / 2 = 6. Pair 0 (max |OF| = 50) is dropped.
  o.normalize = false;
  auto terms = flow_consistency_loss(h.p1, h.p2, h.mask, h.flow_fw, h.flow_bw, o);
  EXPECT_NEAR(terms.loss.item<double>(), (2.5 + 14.5) / 2, 1e-10);
  EXPECT_EQ(terms.pairs_kept, 2);
  EXPECT_EQ(terms.pairs_total, 3);
  EXPECT_NEAR(terms.mean_visible_fraction, 6.0 / 9.0, 1e-12);
  EXPECT_EQ(terms.backward_term.item<double>(), 0.0);

  o.normalize = true;
  terms = flow_consistency_loss(h.p1, h.p2, h.mask, h.flow_fw, h.flow_bw, o);
  EXPECT_NEAR(terms.loss.item<double>(), (2.5 / (25.5 * 25.5) + 14.5 / 36.0) / 2, 1e-10);

  // Without the threshold pair 0 counts: e = (1 + 4) / 2, mean |OF| = (50 + 5) / 2.
  o.threshold = false;
  terms = flow_consistency_loss(h.p1, h.p2, h.mask, h.flow_fw, h.flow_bw, o);
  EXPECT_NEAR(terms.loss.item<double>(),
              (2.5 / (27.5 * 27.5) + 2.5 / (25.5 * 25.5) + 14.5 / 36.0) / 3, 1e-10);
  EXPECT_EQ(terms.pairs_kept, 3);
}

TEST(FlowConsistency, BackwardTermUsesTheBackwardFlowAtFrameTwo) {
  auto h = hand_case();
  // With a zero backward flow, the backward error of a pair is the mean of |p1 - p2|^2 over its
  // visible vertices.
  auto o = options_at(224);
  o.normalize = false;
  o.threshold = false;
  const auto terms = flow_consistency_loss(h.p1, h.p2, h.mask, h.flow_fw, h.flow_bw, o);
  const auto m = h.mask.to(torch::kFloat64);
  const auto e = ((h.p1 - h.p2).pow(2).sum(2) * m).sum(1) / m.sum(1);
  EXPECT_NEAR(terms.backward_term.item<double>(), e.mean().item<double>(), 1e-9);
  EXPECT_NEAR(terms.loss.item<double>(),
              0.5 * (terms.forward_term.item<double>() + terms.backward_term.item<double>()),
              1e-12);
  EXPECT_EQ(terms.pairs_total, 6);
  EXPECT_EQ(terms.pairs_kept, 6);
}

TEST(FlowConsistency, ThresholdScalesWithTheResolution) {
  // At R = 112 the threshold is 25 px: a pair whose visible flow reaches 25 px is dropped,
  // 24.9 px is kept.
  const int r = 112;
  const auto p1 = torch::full({2, 4, 2}, 50.3, kDouble);
  const auto d = torch::tensor({{15.0, 20.0}, {0.0, 24.9}}, kDouble);  // norms 25 and 24.9
  const auto p2 = p1 + d.unsqueeze(1) + 1.0;
  auto o = options_at(r);
  o.backward = false;
  const auto terms = flow_consistency_loss(p1, p2, torch::ones({2, 4}, torch::kBool),
                                           constant_flow(d, r), constant_flow(-d, r), o);
  EXPECT_EQ(terms.pairs_kept, 1);
  EXPECT_NEAR(terms.loss.item<double>(), 2.0 / (24.9 * 24.9), 1e-10);
}

TEST(FlowConsistency, EmptyMaskGivesZeroWithoutNaN) {
  const int r = 32;
  auto p1 = (torch::rand({2, 10, 2}, kDouble) * 30).requires_grad_(true);
  auto p2 = (torch::rand({2, 10, 2}, kDouble) * 30).requires_grad_(true);
  auto flow = (torch::randn({2, 2, r, r}, kDouble) * 3).requires_grad_(true);
  const auto terms =
      flow_consistency_loss(p1, p2, torch::zeros({2, 10}, torch::kBool), flow, flow, options_at(r));
  EXPECT_EQ(terms.loss.item<double>(), 0.0);
  EXPECT_EQ(terms.pairs_kept, 0);
  EXPECT_EQ(terms.mean_visible_fraction, 0.0);
  ASSERT_TRUE(terms.loss.requires_grad());
  terms.loss.backward();
  for (const auto& g : {p1.grad(), p2.grad(), flow.grad()}) {
    ASSERT_TRUE(g.defined());
    EXPECT_TRUE(all_finite(g));
    EXPECT_EQ(g.abs().max().item<double>(), 0.0);
  }
}

TEST(FlowConsistency, AllPairsDroppedGivesZeroWithoutNaN) {
  const int r = 224;
  auto p1 = torch::full({2, 5, 2}, 100.2, kDouble).requires_grad_(true);
  auto p2 = (torch::full({2, 5, 2}, 180.2, kDouble)).requires_grad_(true);
  const auto d = torch::tensor({{80.0, 0.0}, {0.0, -55.0}}, kDouble);
  for (const bool normalize : {false, true}) {
    auto o = options_at(r);
    o.normalize = normalize;
    p1.mutable_grad() = at::Tensor();
    const auto terms = flow_consistency_loss(p1, p2, torch::ones({2, 5}, torch::kBool),
                                             constant_flow(d, r), constant_flow(-d, r), o);
    EXPECT_EQ(terms.loss.item<double>(), 0.0);
    EXPECT_EQ(terms.pairs_kept, 0);
    EXPECT_EQ(terms.pairs_total, 4);
    terms.loss.backward();
    ASSERT_TRUE(p1.grad().defined());
    EXPECT_TRUE(all_finite(p1.grad()));
  }
}

TEST(FlowConsistency, NonFiniteFlowMasksTheVerticesItTouches) {
  const int r = 32;
  const auto d = torch::tensor({{2.0, 1.0}}, kDouble);
  auto flow_fw = constant_flow(d, r);
  // Columns 0..15 unknown (NaN); the vertex at x = 8 is unusable, the one at x = 24 is fine.
  flow_fw.narrow(3, 0, 16).fill_(std::numeric_limits<double>::quiet_NaN());
  auto p1 = torch::tensor({{{8.2, 10.3}, {24.2, 10.3}}}, kDouble).requires_grad_(true);
  const auto p2 = torch::tensor({{{8.2, 10.3}, {24.2 + 2.0 + 3.0, 10.3 + 1.0}}}, kDouble);
  auto o = options_at(r);
  o.backward = false;
  o.normalize = false;
  const auto terms =
      flow_consistency_loss(p1, p2, torch::ones({1, 2}, torch::kBool), flow_fw, flow_fw, o);
  EXPECT_NEAR(terms.loss.item<double>(), 9.0, 1e-10);  // only vertex 1: error (3, 0)
  terms.loss.backward();
  EXPECT_TRUE(all_finite(p1.grad()));
}

TEST(FlowConsistency, GradientsMatchFiniteDifferencesForVerticesAndCameras) {
  // Smooth random flows; vertices and cameras of two frames; the loss without normalisation
  // (the normaliser is a constant for autograd but not for finite differences).
  torch::manual_seed(5);
  const int r = 48;
  const auto coarse = torch::randn({2, 2, 6, 6}, kDouble) * 4;
  const auto flow_fw = torch::upsample_bilinear2d(coarse, {r, r}, false);
  const auto flow_bw = torch::upsample_bilinear2d(-coarse.flip({2}), {r, r}, false);
  const auto cam1 = torch::tensor({{0.9, 0.05, -0.02}, {1.1, -0.1, 0.03}}, kDouble);
  const auto cam2 = torch::tensor({{0.92, 0.07, -0.01}, {1.05, -0.08, 0.0}}, kDouble);
  // Vertices whose projections lie away from the pixel-centre lines (x = j + 0.5), where bilinear
  // sampling has kinks: pick the pixels first, then lift them to vertices with random depth.
  const auto lift = [&](const at::Tensor& cam) {
    const auto pixels = torch::randint(4, r - 4, {2, 12, 2}, kDouble) + 0.5 +
                        (torch::rand({2, 12, 2}, kDouble) * 0.6 + 0.2);
    const auto xy = ((pixels * (2.0 / r) - 1) - cam.narrow(1, 1, 2).unsqueeze(1)) /
                    cam.narrow(1, 0, 1).unsqueeze(1);
    return torch::cat({xy, torch::rand({2, 12, 1}, kDouble)}, 2);
  };
  const auto verts1 = lift(cam1), verts2 = lift(cam2);
  const auto mask = torch::rand({2, 12}) > 0.2;

  for (const bool backward : {false, true}) {
    auto o = options_at(r);
    o.normalize = false;
    o.backward = backward;
    const double err = motioncue::testing::max_gradient_error(
        [&](const std::vector<at::Tensor>& in) {
          return flow_consistency_loss(project(in[0], in[1], r), project(in[2], in[3], r), mask,
                                       flow_fw, flow_bw, o)
              .loss;
        },
        {verts1, cam1, verts2, cam2});
    EXPECT_LT(err, 1e-6) << "backward " << backward;
  }
}

TEST(FlowConsistency, NormalisedGradientIsTheRawGradientOverAConstantNormaliser) {
  torch::manual_seed(6);
  const int r = 48;
  const auto flow =
      torch::upsample_bilinear2d(torch::randn({1, 2, 5, 5}, kDouble) * 3 + 2, {r, r}, false);
  auto p1 = (torch::rand({1, 20, 2}, kDouble) * 30 + 9).requires_grad_(true);
  const auto p2 = (p1.detach() + torch::randn({1, 20, 2}, kDouble)).requires_grad_(true);
  const auto mask = torch::ones({1, 20}, torch::kBool);
  auto o = options_at(r);
  o.backward = false;
  o.normalize = false;
  const auto raw = flow_consistency_loss(p1, p2, mask, flow, flow, o).loss;
  const auto raw_grads = torch::autograd::grad({raw}, {p1, p2});
  o.normalize = true;
  const auto normalised = flow_consistency_loss(p1, p2, mask, flow, flow, o).loss;
  const auto grads = torch::autograd::grad({normalised}, {p1, p2});
  const double ratio = raw.item<double>() / normalised.item<double>();  // the squared mean norm
  const auto sampled =
      torch::grid_sampler(flow, (p1.detach() * (2.0 / r) - 1).unsqueeze(2), 0, 0, false);
  const double mean_norm = sampled.squeeze(3).pow(2).sum(1).sqrt().mean().item<double>();
  EXPECT_NEAR(ratio, mean_norm * mean_norm, 1e-9 * ratio);
  EXPECT_TRUE(torch::allclose(grads[0] * ratio, raw_grads[0], 1e-9, 1e-12));
  EXPECT_TRUE(torch::allclose(grads[1] * ratio, raw_grads[1], 1e-9, 1e-12));
}

TEST(FlowConsistency, AdamOnFreeCamerasLowersTheLoss) {
  // A toy "mesh" (a random point cloud) seen in two frames; the optical flow is the exact flow
  // of the true frame-2 camera. Starting from a wrong frame-2 camera, a few dozen Adam steps on
  // the per-pair camera must lower the loss a lot and move the camera towards the truth.
  torch::manual_seed(7);
  const int r = 64, n = 3;
  const auto verts = torch::rand({n, 200, 3}, kDouble) * 1.0 - 0.5;
  const auto cam1 = torch::tensor({{1.0, 0.0, 0.0}, {0.9, 0.1, -0.1}, {1.1, -0.05, 0.05}}, kDouble);
  const auto cam2_true =
      torch::tensor({{1.05, 0.06, -0.03}, {0.88, 0.05, -0.05}, {1.1, -0.02, 0.1}}, kDouble);
  // Same vertices in both frames: frame-2 pixels are an affine function of frame-1 pixels.
  // u2 = a u1 + b with a = s2 / s1 and b = R/2 (t2 - a t1 + 1 - a) per axis.
  const auto a = cam2_true.select(1, 0) / cam1.select(1, 0);  // n
  const auto b =
      (cam2_true.narrow(1, 1, 2) - a.unsqueeze(1) * cam1.narrow(1, 1, 2) + (1 - a).unsqueeze(1)) *
      (0.5 * r);  // n x 2
  const auto eye = torch::eye(2, kDouble).unsqueeze(0);
  const auto A = (a - 1).view({n, 1, 1}) * eye;
  const auto flow_fw = affine_flow(A, b, r);
  const auto ainv = (1.0 / a).view({n, 1, 1});
  const auto flow_bw = affine_flow((ainv - 1) * eye, -(b / a.unsqueeze(1)), r);
  const auto mask = torch::ones({n, 200}, torch::kBool);
  auto cam2 = (cam2_true + torch::tensor({{0.08, -0.05, 0.04}}, kDouble)).requires_grad_(true);
  torch::optim::Adam adam({cam2}, torch::optim::AdamOptions(0.005));
  auto o = options_at(r);
  double first = 0, last = 0;
  for (int step = 0; step < 40; ++step) {
    adam.zero_grad();
    const auto loss = flow_consistency_loss(project(verts, cam1, r), project(verts, cam2, r), mask,
                                            flow_fw, flow_bw, o)
                          .loss;
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
    loss.backward();
    adam.step();
  }
  EXPECT_LT(last, 0.05 * first) << first << " -> " << last;
  const double err_before = 0.08 * 0.08 + 0.05 * 0.05 + 0.04 * 0.04;
  EXPECT_LT((cam2.detach() - cam2_true).pow(2).sum(1).max().item<double>(), 0.1 * err_before);
}

TEST(FlowConsistency, RejectsMismatchedInputs) {
  const auto p = torch::zeros({2, 5, 2});
  const auto m = torch::ones({2, 5}, torch::kBool);
  const auto f = torch::zeros({2, 2, 224, 224});
  EXPECT_THROW(flow_consistency_loss(p, torch::zeros({2, 4, 2}), m, f, f), motioncue::Error);
  EXPECT_THROW(flow_consistency_loss(p, p, torch::ones({2, 4}), f, f), motioncue::Error);
  EXPECT_THROW(flow_consistency_loss(p, p, m, torch::zeros({2, 2, 112, 112}), f), motioncue::Error);
  EXPECT_THROW(flow_consistency_loss(p, p, m, f, torch::zeros({1, 2, 224, 224})), motioncue::Error);
  EXPECT_NO_THROW(flow_consistency_loss(p, p, m, f, f));
}

}  // namespace
