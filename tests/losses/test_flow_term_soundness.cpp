// Is the motion-consistency term a sound signal? Checked on pairs of the built-in body model with
// their exact optical flow (the renderer's ground-truth flow), in both the authors' form and the
// robust form (losses/flow_consistency.h):
// (a) the true meshes give a near-zero loss and deliberate convention errors raise it;
// (b) under zero-mean per-frame pose noise the authors' form prefers a smaller body and the
//     robust form does not (neither has its minimum at zero bias: see the test);
// (c) one pair whose two predictions disagree grossly (a facing flip) cannot dominate a batch.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
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
};

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
    auto acc = out[i];
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

double expected_loss(const NoisyBatch& noise, double scale_bias, double yaw_deg,
                     FlowLossForm form) {
  const auto& t = truth();
  double sum = 0;
  for (std::size_t d = 0; d < noise.noise1.size(); ++d)
    sum +=
        loss_value(biased(t.f1, noise.noise1[d], scale_bias, yaw_deg),
                   biased(t.f2, noise.noise2[d], scale_bias, yaw_deg), t.flow_fw, t.flow_bw, form);
  return sum / static_cast<double>(noise.noise1.size());
}

// (b) With per-frame pose noise of 3 degrees per joint axis (the frame-to-frame jitter of a
// weak network is several times the true motion, RESULTS "E5"), the authors' form, which
// measures the error in pixels, is lower for a smaller body: per-frame noise enters the mesh flow
// multiplied by the body's scale, so shrinking pays. The robust form measures the error in units
// of the predicted body size and does not reward shrinking (a 5 % and a 10 % smaller body score
// higher than no bias). What this does not show, because it is not true at this noise level: a
// minimum at zero bias. Measured (docs/RESULTS.md, "The flow term as a sound signal"): the
// robust form over-corrects and scores a 10 % larger body 14 % lower, and both forms score a
// body turned by 10-20 degrees about the vertical axis lower than the unturned one.
TEST(FlowTermUnderNoise, TheAuthorsFormRewardsShrinkingTheBodyAndTheRobustFormDoesNot) {
  const auto noise = draw_noise(3, truth().f1.rotmats.size(0), 0.05, 11);
  const double authors0 = expected_loss(noise, 0, 0, FlowLossForm::authors);
  EXPECT_LT(expected_loss(noise, -0.1, 0, FlowLossForm::authors), 0.95 * authors0);
  const double robust0 = expected_loss(noise, 0, 0, FlowLossForm::robust);
  for (const double scale : {-0.1, -0.05})
    EXPECT_GT(expected_loss(noise, scale, 0, FlowLossForm::robust), 1.05 * robust0)
        << "scale " << scale;
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
