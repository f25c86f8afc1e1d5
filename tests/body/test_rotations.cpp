#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "motioncue/body/joint_sets.h"
#include "motioncue/body/rotations.h"

namespace b = motioncue::body;

namespace {

// Axis-angles spread over all angles, including exactly 0, tiny, and within 1e-7 of pi.
torch::Tensor test_axis_angles() {
  torch::manual_seed(3);
  auto axis = torch::randn({64, 3}, torch::kDouble);
  axis = axis / axis.norm(2, -1, true);
  auto angle = torch::rand({64, 1}, torch::kDouble) * M_PI;
  auto aa = axis * angle;
  std::vector<double> special = {0.0,         1e-9,        1e-5,        1e-3,
                                 M_PI - 1e-7, M_PI - 1e-4, M_PI - 1e-2, M_PI};
  auto s = torch::tensor(special, torch::kDouble).unsqueeze(1);
  return torch::cat({aa, axis.narrow(0, 0, 8) * s}, 0);
}

bool same_rotation(const torch::Tensor& a, const torch::Tensor& b, double tol) {
  return (b::axis_angle_to_matrix(a) - b::axis_angle_to_matrix(b)).abs().max().item<double>() < tol;
}

}  // namespace

TEST(Rotations, AxisAngleMatchesRodriguesAndIsOrthonormal) {
  auto aa = torch::tensor({0.0, 0.0, M_PI / 2}, torch::kDouble);
  auto R = b::axis_angle_to_matrix(aa);
  auto expected =
      torch::tensor({0.0, -1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0}, torch::kDouble).reshape({3, 3});
  EXPECT_LT((R - expected).abs().max().item<double>(), 1e-12);
  auto Rs = b::axis_angle_to_matrix(test_axis_angles());
  auto eye = torch::eye(3, torch::kDouble);
  EXPECT_LT((torch::matmul(Rs, Rs.transpose(-1, -2)) - eye).abs().max().item<double>(), 1e-12);
  EXPECT_LT((torch::det(Rs) - 1).abs().max().item<double>(), 1e-12);
}

TEST(Rotations, AxisAngleRoundTripIncludingZeroAndPi) {
  auto aa = test_axis_angles();
  auto back = b::matrix_to_axis_angle(b::axis_angle_to_matrix(aa));
  // Away from pi the vector itself comes back; at pi, +a and -a are the same rotation.
  auto angle = aa.norm(2, -1);
  auto regular = angle < M_PI - 1e-2;
  EXPECT_LT((back - aa).index({regular}).abs().max().item<double>(), 1e-9);
  EXPECT_TRUE(same_rotation(back, aa, 1e-6));
  EXPECT_LE(back.norm(2, -1).max().item<double>(), M_PI + 1e-9);
  EXPECT_TRUE(torch::isfinite(back).all().item<bool>());
}

TEST(Rotations, FloatRoundTripNearZeroAndPi) {
  auto aa = test_axis_angles().to(torch::kFloat);
  auto back = b::matrix_to_axis_angle(b::axis_angle_to_matrix(aa));
  EXPECT_TRUE(torch::isfinite(back).all().item<bool>());
  EXPECT_TRUE(same_rotation(back.to(torch::kDouble), aa.to(torch::kDouble), 1e-5));
}

TEST(Rotations, GradientsAreFiniteAtZeroAndMatchFiniteDifferences) {
  auto aa = torch::zeros({1, 3}, torch::kDouble).requires_grad_(true);
  b::axis_angle_to_matrix(aa).sum().backward();
  EXPECT_TRUE(torch::isfinite(aa.grad()).all().item<bool>());

  auto x = torch::tensor({{0.3, -0.2, 0.5}}, torch::kDouble).requires_grad_(true);
  auto w = torch::randn({1, 3, 3}, torch::kDouble);
  (b::axis_angle_to_matrix(x) * w).sum().backward();
  for (int i = 0; i < 3; ++i) {
    auto xp = x.detach().clone(), xm = x.detach().clone();
    xp[0][i] += 1e-6;
    xm[0][i] -= 1e-6;
    const double fd =
        ((b::axis_angle_to_matrix(xp) * w).sum() - (b::axis_angle_to_matrix(xm) * w).sum())
            .item<double>() /
        2e-6;
    EXPECT_NEAR(x.grad()[0][i].item<double>(), fd, 1e-7);
  }
  auto r = b::axis_angle_to_matrix(torch::tensor({{1e-8, 0.0, 0.0}}, torch::kDouble))
               .requires_grad_(true);
  b::matrix_to_axis_angle(r).sum().backward();
  EXPECT_TRUE(torch::isfinite(r.grad()).all().item<bool>());
}

TEST(Rotations, Rot6dIsRowMajorGramSchmidt) {
  // Rows of the 3x2 matrix: (1, 0), (0, 2), (0, 0) -> columns a1 = (1,0,0), a2 = (0,2,0).
  auto x = torch::tensor({1.0, 0.0, 0.0, 2.0, 0.0, 0.0}, torch::kDouble);
  EXPECT_LT((b::rot6d_to_matrix(x) - torch::eye(3, torch::kDouble)).abs().max().item<double>(),
            1e-12);
  // A skewed second column is orthogonalised against the first.
  auto y = torch::tensor({0.0, 1.0, 2.0, 1.0, 0.0, 0.0}, torch::kDouble);  // a1=(0,2,0) a2=(1,1,0)
  auto R = b::rot6d_to_matrix(y);
  auto expected =
      torch::tensor({0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, -1.0}, torch::kDouble).reshape({3, 3});
  EXPECT_LT((R - expected).abs().max().item<double>(), 1e-12);
  auto Rs = b::axis_angle_to_matrix(test_axis_angles());
  EXPECT_LT((b::rot6d_to_matrix(b::matrix_to_rot6d(Rs)) - Rs).abs().max().item<double>(), 1e-12);
  EXPECT_EQ(b::matrix_to_rot6d(Rs).sizes(), (std::vector<int64_t>{72, 6}));
}

TEST(Rotations, WrongShapesAreNamed) {
  try {
    b::axis_angle_to_matrix(torch::zeros({4, 2}));
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("axis_angle"), std::string::npos);
  }
  EXPECT_THROW(b::rot6d_to_matrix(torch::zeros({4, 9})), std::exception);
  EXPECT_THROW(b::matrix_to_axis_angle(torch::zeros({4, 3})), std::exception);
}

TEST(JointSets, ParentsAndFlipsAreConsistent) {
  const auto& parents = b::kinematic_parents();
  EXPECT_EQ(parents[0], -1);
  for (int j = 1; j < b::kNumJoints; ++j) EXPECT_LT(parents[j], j);
  const auto& flip = b::flip_kinematic_permutation();
  const auto& names = b::kinematic_joint_names();
  for (int j = 0; j < b::kNumJoints; ++j) {
    EXPECT_EQ(flip[flip[j]], j);
    std::string a = names[j], c = names[flip[j]];
    if (a.rfind("left_", 0) == 0) {
      EXPECT_EQ(c, "right_" + a.substr(5));
    }
    if (a.find("left") == std::string::npos && a.find("right") == std::string::npos) {
      EXPECT_EQ(a, c);
    }
    // The mirror of a joint's parent is the parent of its mirror.
    if (j > 0) {
      EXPECT_EQ(flip[parents[j]], parents[flip[j]]);
    }
  }
  const auto& kflip = b::flip_keypoint_permutation();
  const auto& knames = b::keypoint_names();
  for (int k = 0; k < b::kNumKeypoints; ++k) {
    EXPECT_EQ(kflip[kflip[k]], k);
    std::string a = knames[k], c = knames[kflip[k]];
    if (a.rfind("left_", 0) == 0) {
      EXPECT_EQ(c, "right_" + a.substr(5));
    }
  }
  EXPECT_STREQ(knames[13], "head_top");
}

TEST(JointSets, FlipPoseMirrorsRotations) {
  torch::manual_seed(1);
  auto pose = torch::randn({5, 72}, torch::kDouble) * 0.5;
  auto flipped = b::flip_pose(pose);
  EXPECT_LT((b::flip_pose(flipped) - pose).abs().max().item<double>(), 1e-15);
  // Mirror M = diag(-1, 1, 1): the flipped rotation of joint j is M R_{flip(j)} M.
  auto M = torch::diag(torch::tensor({-1.0, 1.0, 1.0}, torch::kDouble));
  auto R = b::axis_angle_to_matrix(pose.reshape({5, 24, 3}));
  auto Rf = b::axis_angle_to_matrix(flipped.reshape({5, 24, 3}));
  const auto& perm = b::flip_kinematic_permutation();
  for (int j = 0; j < 24; ++j) {
    auto expected = torch::matmul(M, torch::matmul(R.select(1, perm[j]), M));
    EXPECT_LT((Rf.select(1, j) - expected).abs().max().item<double>(), 1e-12);
  }
  EXPECT_THROW(b::flip_pose(torch::zeros({2, 69})), std::exception);
}
