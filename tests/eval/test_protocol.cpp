// The published protocols on SPIN-layout archives the test writes: a network whose prediction is
// known exactly (constant_network.h) scored against ground truth made from that prediction.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "../support/constant_network.h"
#include "../support/default_body.h"
#include "../support/error_text.h"
#include "../support/temp_dir.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"
#include "motioncue/eval/protocol.h"

namespace ev = motioncue::eval;
namespace t = motioncue::testing;
using motioncue::NpyArray;
using motioncue::Npz;

namespace {

constexpr int kResolution = 64;
constexpr int64_t kImages = 6;

std::vector<float> floats(const at::Tensor& x) {
  const at::Tensor c = x.to(torch::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

struct Fixture {
  t::TempDir dir;
  motioncue::model::PoseNetwork network = t::constant_network(kResolution);
  at::Tensor regressor;                     // 17 x V
  motioncue::model::Prediction prediction;  // one crop's
  at::Tensor pred_vertices;                 // 1 x V x 3

  Fixture() {
    const auto& body = t::default_body_model();
    torch::manual_seed(3);
    // Each joint the mean of 4 random vertices, like the real regressor's sparse rows (a dense
    // random one would put every joint near the mesh's centre).
    regressor = torch::zeros({ev::kH36mJoints, body.num_vertices()});
    regressor.scatter_(1, torch::randint(0, body.num_vertices(), {ev::kH36mJoints, 4}), 0.25);
    motioncue::write_npy(
        dir.path() / "J_regressor_h36m.npy",
        NpyArray::from_f32({ev::kH36mJoints, body.num_vertices()}, floats(regressor)));
    torch::NoGradGuard no_grad;
    prediction = network.forward(torch::zeros({1, 3, kResolution, kResolution}));
    pred_vertices = body.forward(prediction.rotmats, prediction.betas).vertices;
    cv::Mat image(80, 60, CV_8UC3, cv::Scalar(40, 90, 160));
    for (int i = 0; i < kImages; ++i)
      for (const std::string prefix : {"", "cam60457274_"})
        cv::imwrite((dir.path() / (prefix + "img_" + std::to_string(i) + ".png")).string(), image);
  }

  // The common keys; the image of row i is img_i.png, or a frontal-camera name for even rows.
  Npz archive(bool frontal_names = false) const {
    Npz z;
    std::vector<std::string> names;
    for (int i = 0; i < kImages; ++i) {
      const std::string name = "img_" + std::to_string(i) + ".png";
      names.push_back(frontal_names && i % 2 == 0 ? "cam60457274_" + name : name);
    }
    z.set("imgname", NpyArray::from_strings({kImages}, names));
    z.set("center", NpyArray::from_f64({kImages, 2}, std::vector<double>(2 * kImages, 30.0)));
    z.set("scale", NpyArray::from_f64({kImages}, std::vector<double>(kImages, 0.4)));
    return z;
  }

  // The prediction's 17 regressed joints (pelvis-centred) written into SPIN's 24 keypoints,
  // optionally turned by `angle` radians about the vertical axis.
  NpyArray keypoints_from_prediction(double angle) const {
    const at::Tensor all = torch::einsum("jv,nvc->njc", {regressor, pred_vertices})[0];
    const at::Tensor centred = all - all[ev::kH36mPelvis];
    const at::Tensor rot = torch::tensor({{std::cos(angle), 0.0, std::sin(angle)},
                                          {0.0, 1.0, 0.0},
                                          {-std::sin(angle), 0.0, std::cos(angle)}},
                                         torch::kFloat);
    const at::Tensor turned = torch::matmul(centred, rot.t());
    at::Tensor S = torch::zeros({24, 4});
    const auto h36m = ev::h36m_joint_rows(ev::Protocol::kMpiInf3dhp);
    const auto kp = ev::keypoint_rows(ev::Protocol::kMpiInf3dhp);
    for (std::size_t j = 0; j < kp.size(); ++j) {
      S[kp[j]].slice(0, 0, 3).copy_(turned[h36m[j]]);
      S[kp[j]][3] = 1.0;
    }
    return NpyArray::from_f32({kImages, 24, 4}, floats(S.unsqueeze(0).expand({kImages, 24, 4})));
  }

  ev::ProtocolResult run(const Npz& z, ev::Protocol protocol,
                         const motioncue::body::BodyModel* male = nullptr,
                         const motioncue::body::BodyModel* female = nullptr) const {
    motioncue::write_npz(dir.path() / "test.npz", z);
    const auto split = ev::ProtocolSplit::open(dir.path() / "test.npz", protocol, dir.path());
    ev::ProtocolBodies bodies;
    bodies.neutral = &t::default_body_model();
    bodies.male = male;
    bodies.female = female;
    bodies.h36m_regressor = ev::load_h36m_regressor(dir.path() / "J_regressor_h36m.npy",
                                                    bodies.neutral->num_vertices());
    ev::ProtocolOptions options;
    options.resolution = kResolution;
    options.batch_size = 4;
    return ev::evaluate_protocol(network, bodies, split, options);
  }
};

TEST(Protocol, NamesRoundTripAndUnknownNamesAreErrors) {
  for (const char* name : {"3dpw", "h36m-p1", "h36m-p2", "mpi-inf-3dhp"})
    EXPECT_EQ(ev::protocol_name(ev::parse_protocol(name)), name);
  EXPECT_TRUE(t::contains(t::error_of([] { ev::parse_protocol("h36m"); }), "mpi-inf-3dhp"));
}

TEST(Protocol, JointSetsAreTheFieldsLspAndMpiInfSets) {
  EXPECT_EQ(ev::h36m_joint_rows(ev::Protocol::kH36mP1),
            (std::vector<int64_t>{6, 5, 4, 1, 2, 3, 16, 15, 14, 11, 12, 13, 8, 10}));
  EXPECT_EQ(ev::keypoint_rows(ev::Protocol::k3dpw).back(), 18);  // the Human3.6M head
  EXPECT_EQ(ev::keypoint_rows(ev::Protocol::kMpiInf3dhp).size(), 17u);
}

TEST(Protocol, H36mScoresZeroOnItsOwnJointsAndPaRemovesARotation) {
  Fixture f;
  Npz z = f.archive();
  z.set("S", f.keypoints_from_prediction(0.0));
  const auto exact = f.run(z, ev::Protocol::kH36mP1);
  EXPECT_EQ(exact.frames, kImages);
  EXPECT_NEAR(exact.mpjpe, 0.0, 1e-3);
  EXPECT_NEAR(exact.pa_mpjpe, 0.0, 1e-3);

  z.set("S", f.keypoints_from_prediction(M_PI / 2));
  const auto turned = f.run(z, ev::Protocol::kH36mP1);
  EXPECT_GT(turned.mpjpe, 50.0);            // a quarter turn of a whole body
  EXPECT_NEAR(turned.pa_mpjpe, 0.0, 1e-2);  // ... which Procrustes undoes exactly
  EXPECT_EQ(turned.per_joint_mm.size(), 14u);
}

TEST(Protocol, H36mProtocol2KeepsTheFrontalCameraOnly) {
  Fixture f;
  Npz z = f.archive(true);
  z.set("S", f.keypoints_from_prediction(0.0));
  EXPECT_EQ(f.run(z, ev::Protocol::kH36mP2).frames, kImages / 2);
  EXPECT_EQ(f.run(z, ev::Protocol::kH36mP1).frames, kImages);
  Npz none = f.archive(false);
  none.set("S", f.keypoints_from_prediction(0.0));
  EXPECT_TRUE(t::contains(t::error_of([&] { f.run(none, ev::Protocol::kH36mP2); }), "60457274"));
}

TEST(Protocol, MpiInf3dhpScoresSeventeenJointsWithPckAndAuc) {
  Fixture f;
  Npz z = f.archive();
  z.set("S", f.keypoints_from_prediction(0.0));
  const auto r = f.run(z, ev::Protocol::kMpiInf3dhp);
  EXPECT_EQ(r.per_joint_mm.size(), 17u);
  // Shares of joints: exact counts, so only the final division and scaling round.
  EXPECT_NEAR(r.pck150, 100.0, 1e-6);
  // Float rounding leaves most errors just above 0 mm, so the first threshold (0 mm) counts only
  // the joints that are exactly 0 (the pelvis); every other threshold counts all.
  EXPECT_GE(r.auc, 100.0 * 30 / 31 - 1e-6);
  EXPECT_LE(r.auc, 100.0);
  z.set("S", f.keypoints_from_prediction(M_PI));
  const auto back = f.run(z, ev::Protocol::kMpiInf3dhp);
  EXPECT_LT(back.auc, 100.0);
  EXPECT_LE(back.auc, back.pck150);
}

TEST(Protocol, ThreeDpwPosesTheGroundTruthOnTheGenderedBody) {
  Fixture f;
  Npz z = f.archive();
  const at::Tensor pose =
      motioncue::body::matrix_to_axis_angle(f.prediction.rotmats.view({-1, 3, 3})).reshape({1, 72});
  z.set("pose", NpyArray::from_f32({kImages, 72}, floats(pose.expand({kImages, 72}))));
  z.set("shape",
        NpyArray::from_f32({kImages, 10}, floats(f.prediction.betas.expand({kImages, 10}))));
  const auto neutral = f.run(z, ev::Protocol::k3dpw);
  EXPECT_NEAR(neutral.mpjpe, 0.0, 0.5);
  EXPECT_NEAR(neutral.pve, 0.0, 0.5);

  // With a gender key both gendered bodies are needed; a woman posed on a body that is not the
  // network's scores > 0 while the men, on the network's body, still score 0.
  z.set("gender", NpyArray::from_strings({kImages}, {"m", "f", "m", "f", "m", "f"}));
  EXPECT_TRUE(t::contains(t::error_of([&] { f.run(z, ev::Protocol::k3dpw); }), "--body-male"));
  const auto& body = t::default_body_model();
  const auto gendered = f.run(z, ev::Protocol::k3dpw, &body, &body);
  EXPECT_NEAR(gendered.mpjpe, 0.0, 0.5);

  z.set("gender", NpyArray::from_strings({kImages}, {"m", "x", "m", "f", "m", "f"}));
  EXPECT_TRUE(
      t::contains(t::error_of([&] { f.run(z, ev::Protocol::k3dpw, &body, &body); }), "gender[1]"));
}

TEST(Protocol, BadArchivesAndRegressorsAreClearErrors) {
  Fixture f;
  Npz z = f.archive();
  EXPECT_TRUE(t::contains(t::error_of([&] { f.run(z, ev::Protocol::kH36mP1); }), "S"));
  std::vector<float> bad(kImages * 24 * 4, 0.0f);
  bad[5] = std::nanf("");
  z.set("S", NpyArray::from_f32({kImages, 24, 4}, bad));
  EXPECT_TRUE(t::contains(t::error_of([&] { f.run(z, ev::Protocol::kH36mP1); }), "NaN"));
  motioncue::write_npy(f.dir.path() / "short.npy",
                       NpyArray::from_f32({17, 10}, std::vector<float>(170, 0.1f)));
  EXPECT_TRUE(
      t::contains(t::error_of([&] { ev::load_h36m_regressor(f.dir.path() / "short.npy", 6890); }),
                  "17 x 6890"));
  z.set("imgname",
        NpyArray::from_strings({kImages}, std::vector<std::string>(kImages, "gone.png")));
  z.set("S", f.keypoints_from_prediction(0.0));
  EXPECT_TRUE(t::contains(t::error_of([&] { f.run(z, ev::Protocol::kH36mP1); }), "gone.png"));
}

}  // namespace
