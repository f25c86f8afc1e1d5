// Is the motion-consistency term a sound signal? Checked on pairs of the built-in body model with
// their exact optical flow (the renderer's ground-truth flow), in both the authors' form and the
// robust form (losses/flow_consistency.h):
// (a) the true meshes give a near-zero loss and deliberate convention errors raise it;
// (b) under zero-mean per-frame pose noise the robust form has its minimum at zero common bias
//     of scale and turn (within a grid step) and the authors' form prefers a smaller body;
// (c) one pair whose two predictions disagree grossly (a facing flip) cannot dominate a batch.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "motioncue/body/body_model.h"
#include "motioncue/body/rotations.h"
#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/ground_truth_flow.h"
#include "motioncue/losses/flow_consistency.h"
#include "motioncue/losses/projected_pair.h"

namespace {

using namespace motioncue;
using losses::FlowLossForm;
using losses::FlowLossOptions;

constexpr int kRes = 224;
constexpr double kPi = 3.14159265358979323846;
const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

const body::BodyModel& body_model() {
  static const body::BodyModel model = [] {
    body::BodyModel m = body::load_default_model();
    m.to(torch::kCPU, torch::kFloat64);
    return m;
  }();
  return model;
}

at::Tensor rotation_about(int axis, double radians) {
  auto aa = torch::zeros({1, 3}, kF64);
  aa[0][axis] = radians;
  return body::axis_angle_to_matrix(aa)[0];
}

// A batch of poses (rotation matrices N x 24 x 3 x 3) and cameras (N x 3).
struct Frames {
  at::Tensor rotmats, cam;
};

// Upright bodies facing the camera turned by `yaw` (N), with joint angles from `joint_aa`
// (N x 23 x 3, axis-angle). The root maps the model's y-up, z-forward frame to the camera frame
// (x right, y down, z away from the camera).
at::Tensor make_rotmats(const at::Tensor& yaw, const at::Tensor& joint_aa) {
  const int64_t n = yaw.size(0);
  std::vector<at::Tensor> roots;
  for (int64_t i = 0; i < n; ++i)
    roots.push_back(
        torch::matmul(rotation_about(0, kPi), rotation_about(1, yaw[i].item<double>())));
  auto joints = body::axis_angle_to_matrix(joint_aa.reshape({n * 23, 3})).view({n, 23, 3, 3});
  return torch::cat({torch::stack(roots).unsqueeze(1), joints}, 1);
}

// Ground-truth pairs: frame 1 in a random pose, frame 2 the same body a thirtieth of a second of
// movement later (each joint turned by ~2 degrees, the root by 1.5, a small camera shift).
struct TruthPairs {
  Frames f1, f2;
  at::Tensor flow_fw, flow_bw;  // N x 2 x R x R, NaN where the exact flow is undefined
  // The exact flow extended off the body and over occlusions by its nearest values, as an
  // estimator's smooth field is: with NaN there, a prediction whose rim leaves the true
  // silhouette loses its worst vertices to the mask, which rewards a larger or turned body.
  at::Tensor dense_fw, dense_bw;
};

// Fills non-finite entries with the mean of their finite 8-neighbours, one ring at a time (all
// pixels of a ring from the values before it), until a ring fills nothing.
at::Tensor extend_by_nearest(const at::Tensor& flow) {
  auto out = flow.to(torch::kFloat64).contiguous().clone();
  auto a = out.accessor<double, 4>();
  std::vector<std::uint8_t> valid(kRes * kRes);
  struct Fill {
    int y, x;
    double u, v;
  };
  std::vector<Fill> ring;
  for (int64_t i = 0; i < out.size(0); ++i) {
    for (int y = 0; y < kRes; ++y)
      for (int x = 0; x < kRes; ++x)
        valid[y * kRes + x] = std::isfinite(a[i][0][y][x]) && std::isfinite(a[i][1][y][x]);
    do {
      ring.clear();
      for (int y = 0; y < kRes; ++y)
        for (int x = 0; x < kRes; ++x) {
          if (valid[y * kRes + x]) continue;
          double u = 0, v = 0;
          int count = 0;
          for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
              const int yy = y + dy, xx = x + dx;
              if (yy < 0 || yy >= kRes || xx < 0 || xx >= kRes || !valid[yy * kRes + xx]) continue;
              u += a[i][0][yy][xx];
              v += a[i][1][yy][xx];
              ++count;
            }
          if (count > 0) ring.push_back({y, x, u / count, v / count});
        }
      for (const Fill& f : ring) {
        a[i][0][f.y][f.x] = f.u;
        a[i][1][f.y][f.x] = f.v;
        valid[f.y * kRes + f.x] = 1;
      }
    } while (!ring.empty());
  }
  return out;
}

at::Tensor vertices_of(const Frames& f) {
  const auto betas = torch::zeros({f.rotmats.size(0), body_model().num_betas()}, kF64);
  return body_model().forward(f.rotmats, betas).vertices;
}

// Exact flow from frame a to frame b at every pixel of frame a, NaN where a pixel shows no body
// or its surface point is hidden in frame b (the oracle flow's convention).
at::Tensor exact_flow(const at::Tensor& verts_a, const at::Tensor& cam_a, const at::Tensor& verts_b,
                      const at::Tensor& cam_b) {
  const auto sa = geometry::weak_perspective_screen(verts_a, cam_a, kRes).to(torch::kFloat32);
  const auto sb = geometry::weak_perspective_screen(verts_b, cam_b, kRes).to(torch::kFloat32);
  const auto faces = body_model().faces().contiguous();
  const int64_t n = sa.size(0), v = sa.size(1);
  auto out = torch::empty({n, 2, kRes, kRes}, kF64);
  for (int64_t i = 0; i < n; ++i) {
    const auto a = sa[i].contiguous(), b = sb[i].contiguous();
    const auto gt = geometry::ground_truth_flow(a.data_ptr<float>(), b.data_ptr<float>(), v,
                                                faces.data_ptr<int64_t>(), faces.size(0), kRes,
                                                kRes, /*perspective_correct=*/false);
    auto acc = out.accessor<double, 4>()[i];
    for (int y = 0; y < kRes; ++y)
      for (int x = 0; x < kRes; ++x) {
        const bool valid = gt.covered.at<uint8_t>(y, x) && gt.visible_in_2.at<uint8_t>(y, x);
        const auto d = gt.flow.at<cv::Vec2f>(y, x);
        acc[0][y][x] = valid ? d[0] : NAN;
        acc[1][y][x] = valid ? d[1] : NAN;
      }
  }
  return out;
}

TruthPairs make_truth(int64_t n, uint64_t seed) {
  torch::manual_seed(seed);
  const auto yaw = (torch::rand({n}, kF64) * 2 - 1) * (kPi / 3);
  const auto joints = torch::randn({n, 23, 3}, kF64) * 0.15;
  const auto motion = torch::randn({n, 23, 3}, kF64) * 0.035;
  TruthPairs t;
  t.f1 = {make_rotmats(yaw, joints), torch::tensor({0.85, 0.0, 0.0}, kF64).repeat({n, 1})};
  t.f2 = {make_rotmats(yaw + 1.5 * kPi / 180, joints + motion),
          torch::tensor({0.85, 0.012, -0.006}, kF64).repeat({n, 1})};
  const auto v1 = vertices_of(t.f1), v2 = vertices_of(t.f2);
  t.flow_fw = exact_flow(v1, t.f1.cam, v2, t.f2.cam);
  t.flow_bw = exact_flow(v2, t.f2.cam, v1, t.f1.cam);
  t.dense_fw = extend_by_nearest(t.flow_fw);
  t.dense_bw = extend_by_nearest(t.flow_bw);
  return t;
}

const TruthPairs& truth() {
  static const TruthPairs t = make_truth(12, 7);
  return t;
}

FlowLossOptions options_for(FlowLossForm form) {
  FlowLossOptions o;
  o.form = form;
  o.resolution = kRes;
  return o;
}

// The loss of predicted frames against the given flows, with the robust form's inputs.
losses::FlowLossTerms loss_of(const Frames& p1, const Frames& p2, const at::Tensor& fw,
                              const at::Tensor& bw, const FlowLossOptions& o) {
  const auto pair = losses::project_pair(vertices_of(p1), p1.cam, vertices_of(p2), p2.cam,
                                         body_model().faces(), kRes);
  losses::PairPredictions pred;
  pred.scale1 = p1.cam.select(1, 0);
  pred.scale2 = p2.cam.select(1, 0);
  pred.root_turn_deg = losses::rotation_angle_deg(p1.rotmats.select(1, 0), p2.rotmats.select(1, 0));
  return losses::flow_consistency_loss(pair.p1, pair.p2, pair.both_visible, fw, bw, o, pred);
}

double loss_value(const Frames& p1, const Frames& p2, const at::Tensor& fw, const at::Tensor& bw,
                  FlowLossForm form) {
  return loss_of(p1, p2, fw, bw, options_for(form)).loss.item<double>();
}

class BothForms : public ::testing::TestWithParam<FlowLossForm> {};

// (a) The truth is (nearly) the minimum, and each classic mistake of flow conventions shows.
TEST_P(BothForms, TrueMeshesFitTheExactFlowAndConventionErrorsDoNot) {
  const auto& t = truth();
  const FlowLossForm form = GetParam();
  const double exact = loss_value(t.f1, t.f2, t.flow_fw, t.flow_bw, form);
  // Bilinear sampling of a piecewise-affine field at the vertices and the float16-free exact
  // flow leave only interpolation error at silhouettes: a few percent of the motion's energy.
  EXPECT_LT(exact, 0.05) << "normalised loss of the true meshes";

  const auto scaled = loss_value(t.f1, t.f2, t.flow_fw * 1.25, t.flow_bw * 1.25, form);
  auto y_flipped_fw = t.flow_fw.clone(), y_flipped_bw = t.flow_bw.clone();
  y_flipped_fw.select(1, 1).neg_();
  y_flipped_bw.select(1, 1).neg_();
  const auto y_flipped = loss_value(t.f1, t.f2, y_flipped_fw, y_flipped_bw, form);
  const auto swapped_xy = loss_value(t.f1, t.f2, t.flow_fw.flip({1}), t.flow_bw.flip({1}), form);
  const auto swapped_directions = loss_value(t.f1, t.f2, t.flow_bw, t.flow_fw, form);
  // A flow 25 % too long adds (0.25)^2 = 0.06 of the motion's energy; the others are gross.
  EXPECT_GT(scaled, exact + 0.03);
  EXPECT_GT(y_flipped, 3 * exact + 0.1);
  EXPECT_GT(swapped_xy, 3 * exact + 0.1);
  EXPECT_GT(swapped_directions, 3 * exact + 0.1);
}

INSTANTIATE_TEST_SUITE_P(Forms, BothForms,
                         ::testing::Values(FlowLossForm::authors, FlowLossForm::robust),
                         [](const ::testing::TestParamInfo<FlowLossForm>& p) {
                           return p.param == FlowLossForm::authors ? "authors" : "robust";
                         });

// Predictions = the truth with independent per-frame pose noise (every joint and the root, sd
// `sd` radians per axis-angle component, the same draws for every bias so that comparisons
// between biases are not blurred by sampling noise), and a common bias of both frames: the
// camera scale times (1 + scale_bias) and a turn of `yaw_deg` about the image's vertical axis.
struct NoisyBatch {
  std::vector<at::Tensor> noise1, noise2;  // per draw: N x 24 x 3 axis-angle
  // expected_loss's values by (scale bias, turn): (authors' form, robust form).
  mutable std::map<std::pair<double, double>, std::pair<double, double>> expected;
};

NoisyBatch draw_noise(int draws, int64_t n, double sd, uint64_t seed) {
  torch::manual_seed(seed);
  NoisyBatch b;
  for (int d = 0; d < draws; ++d) {
    b.noise1.push_back(torch::randn({n, 24, 3}, kF64) * sd);
    b.noise2.push_back(torch::randn({n, 24, 3}, kF64) * sd);
  }
  return b;
}

Frames biased(const Frames& f, const at::Tensor& noise, double scale_bias, double yaw_deg) {
  const int64_t n = f.rotmats.size(0);
  auto r = torch::matmul(
      f.rotmats, body::axis_angle_to_matrix(noise.reshape({n * 24, 3})).view({n, 24, 3, 3}));
  const auto turn = rotation_about(1, yaw_deg * kPi / 180);
  r.select(1, 0).copy_(torch::matmul(turn, r.select(1, 0)));
  auto cam = f.cam.clone();
  cam.select(1, 0).mul_(1.0 + scale_bias);
  return {r, cam};
}

// The loss that gradient descent minimises, averaged over the noise draws, against the exact flow
// extended off the body. Both forms' normalisers are constants without a gradient, so a step
// descends the unnormalised error with the normaliser frozen; for the robust form (one batch
// normaliser) the stationary points are those of the unnormalised loss, which is what is
// evaluated here. (The normalised value would move with the bias through the normaliser, which
// samples the flow where the biased prediction puts its vertices.) Both forms are evaluated on one
// projection of each biased batch, which is remembered: the grids share their zero point.
double expected_loss(const NoisyBatch& noise, double scale_bias, double yaw_deg,
                     FlowLossForm form) {
  auto& remembered = noise.expected;
  const auto key = std::make_pair(scale_bias, yaw_deg);
  auto found = remembered.find(key);
  if (found == remembered.end()) {
    const auto& t = truth();
    double authors = 0, robust = 0;
    for (std::size_t d = 0; d < noise.noise1.size(); ++d) {
      const Frames p1 = biased(t.f1, noise.noise1[d], scale_bias, yaw_deg);
      const Frames p2 = biased(t.f2, noise.noise2[d], scale_bias, yaw_deg);
      const auto pair = losses::project_pair(vertices_of(p1), p1.cam, vertices_of(p2), p2.cam,
                                             body_model().faces(), kRes);
      losses::PairPredictions pred;
      pred.scale1 = p1.cam.select(1, 0);
      pred.scale2 = p2.cam.select(1, 0);
      pred.root_turn_deg =
          losses::rotation_angle_deg(p1.rotmats.select(1, 0), p2.rotmats.select(1, 0));
      for (const auto f : {FlowLossForm::authors, FlowLossForm::robust}) {
        auto options = options_for(f);
        options.normalize = false;
        const double l = losses::flow_consistency_loss(pair.p1, pair.p2, pair.both_visible,
                                                       t.dense_fw, t.dense_bw, options, pred)
                             .loss.item<double>();
        (f == FlowLossForm::authors ? authors : robust) += l;
      }
    }
    const auto draws = static_cast<double>(noise.noise1.size());
    found = remembered.emplace(key, std::make_pair(authors / draws, robust / draws)).first;
  }
  return form == FlowLossForm::authors ? found->second.first : found->second.second;
}

// The bias on `grid` with the lowest expected loss; the values are printed for the record.
double best_bias(const std::vector<double>& grid, const char* what, FlowLossForm form,
                 const std::function<double(double)>& loss) {
  double best = grid.front(), lowest = INFINITY;
  std::string values;
  for (const double b : grid) {
    const double l = loss(b);
    values += " " + std::to_string(b) + ":" + std::to_string(l);
    if (l < lowest) lowest = l, best = b;
  }
  std::cout << "[ (b) " << (form == FlowLossForm::authors ? "authors" : "robust") << " " << what
            << " ]" << values << "\n";
  return best;
}

// (b) Per-frame pose noise of 0.02 rad per axis-angle component on every joint and the root
// (about half the frame-to-frame motion of these pairs, 0.035 rad per joint component), and a
// common bias of both frames on grids of scale (steps of 2.5 %) and of turn about the vertical
// (steps of 5 degrees). Without noise both forms have their minimum exactly at zero. With it, the
// authors' form, which measures the error in pixels, prefers a smaller body (per-frame noise
// enters the mesh flow multiplied by the body's scale; measured: the smallest on the grid,
// -10 %). The robust form measures the error in units of the body; tolerances: one scale step
// (its curve is flat within 0.2 % from -7.5 % to 0; measured minimum -2.5 %) and two turn steps
// (the flow constrains a common turn only through the direction of the motion, so the curve is
// shallow there: measured minimum -5 degrees, -10 within 0.1 %, +10 costs 7 %). Not asserted,
// because it is not true: at noise larger than the motion (0.05 rad) the cap saturates and the
// robust loss is nearly flat in scale and turn, a 180-degree turn raising it by only 10 %
// (docs/RESULTS.md): the flow cannot tell front from back, hence the root-turn gate and the
// keypoint term.
TEST(FlowTermUnderNoise, TheRobustFormHasItsMinimumAtZeroBiasTheAuthorsFormPrefersASmallerBody) {
  const auto noise = draw_noise(3, truth().f1.rotmats.size(0), 0.02, 11);
  const std::vector<double> scales = {-0.1, -0.075, -0.05, -0.025, 0.0, 0.025, 0.05, 0.075, 0.1};
  const std::vector<double> turns = {-20, -15, -10, -5, 0, 5, 10, 15, 20};
  for (const auto form : {FlowLossForm::authors, FlowLossForm::robust}) {
    const double scale = best_bias(scales, "scale", form,
                                   [&](double b) { return expected_loss(noise, b, 0, form); });
    if (form == FlowLossForm::authors) {
      EXPECT_LE(scale, -0.05) << "the authors' form should reward shrinking the body";
      continue;
    }
    EXPECT_LE(std::abs(scale), 0.025 + 1e-9) << "the robust form's best scale bias";
    const double turn =
        best_bias(turns, "turn", form, [&](double y) { return expected_loss(noise, 0, y, form); });
    EXPECT_LE(std::abs(turn), 10.0 + 1e-9) << "the robust form's best turn (degrees)";
  }
}

// Share of the gradient (squared norm, over both frames' projected points) that belongs to
// pair `k`.
double gradient_share(const Frames& p1, const Frames& p2, const at::Tensor& fw,
                      const at::Tensor& bw, const FlowLossOptions& o, int64_t k,
                      int64_t* disagreeing = nullptr) {
  auto pair = losses::project_pair(vertices_of(p1), p1.cam, vertices_of(p2), p2.cam,
                                   body_model().faces(), kRes);
  const auto x1 = pair.p1.detach().requires_grad_(true);
  const auto x2 = pair.p2.detach().requires_grad_(true);
  losses::PairPredictions pred;
  pred.scale1 = p1.cam.select(1, 0);
  pred.scale2 = p2.cam.select(1, 0);
  pred.root_turn_deg = losses::rotation_angle_deg(p1.rotmats.select(1, 0), p2.rotmats.select(1, 0));
  const auto terms = losses::flow_consistency_loss(x1, x2, pair.both_visible, fw, bw, o, pred);
  if (disagreeing) *disagreeing = terms.pairs_disagreeing;
  terms.loss.backward();
  const auto g = torch::cat({x1.grad(), x2.grad()}, 1).pow(2).sum({1, 2});  // N
  return (g[k] / g.sum().clamp_min(1e-30)).item<double>();
}

// (c) Eleven pairs whose predictions carry small per-frame noise, and one whose second frame is
// turned by 180 degrees (a facing flip between two nearly identical frames). In the authors'
// form that pair takes most of the gradient; in the robust form it is left out and counted. The
// per-vertex cap alone (gate off) lowers its share but does not bring it to a fair one (measured
// 0.41 against 1/12): the gate is what keeps a flip out.
TEST(FlowTermGrossDisagreement, AFacingFlipCannotDominateABatch) {
  const auto& t = truth();
  const int64_t n = t.f1.rotmats.size(0), flipped = 5;
  const auto noise = draw_noise(1, n, 0.02, 3);
  const Frames p1 = biased(t.f1, noise.noise1[0], 0, 0);
  Frames p2 = biased(t.f2, noise.noise2[0], 0, 0);
  p2.rotmats[flipped][0].copy_(torch::matmul(rotation_about(1, kPi), p2.rotmats[flipped][0]));

  const double authors =
      gradient_share(p1, p2, t.flow_fw, t.flow_bw, options_for(FlowLossForm::authors), flipped);
  EXPECT_GT(authors, 0.5) << "the authors' form: the flipped pair's share of the gradient";

  int64_t disagreeing = 0;
  const double gated = gradient_share(p1, p2, t.flow_fw, t.flow_bw,
                                      options_for(FlowLossForm::robust), flipped, &disagreeing);
  EXPECT_EQ(gated, 0.0);
  EXPECT_EQ(disagreeing, 2) << "the flipped pair, in both directions";

  auto ungated = options_for(FlowLossForm::robust);
  ungated.max_root_turn_deg = 360;
  const double capped = gradient_share(p1, p2, t.flow_fw, t.flow_bw, ungated, flipped);
  EXPECT_LT(capped, authors);
}

}  // namespace
