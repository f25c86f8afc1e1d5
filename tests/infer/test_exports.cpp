#include <gtest/gtest.h>
#include <tiny_gltf.h>
#include <torch/torch.h>

#include <fstream>
#include <map>
#include <sstream>

#include "../support/temp_dir.h"
#include "motioncue/body/body_model.h"
#include "motioncue/body/joint_sets.h"
#include "motioncue/body/rotations.h"
#include "motioncue/infer/motion_export.h"

namespace fs = std::filesystem;
using namespace motioncue;

namespace {

struct MotionSetup {
  body::BodyModel model = body::load_default_model();
  infer::TrackMotion motion;
  at::Tensor y_up;  // F x 24 x 3 x 3, the rotations the exports must hold
  MotionSetup() {
    torch::manual_seed(3);
    const int64_t frames = 5;
    auto pose = torch::randn({frames, 24, 3}, torch::kFloat64) * 0.4;
    motion.rotmats = body::axis_angle_to_matrix(pose.view({-1, 3})).view({frames, 24, 3, 3});
    motion.betas = torch::randn({10}, torch::kFloat64) * 0.5;
    motion.frames = {0, 1, 2, 4, 5};  // frame 3 missing: the BVH repeats frame 2
    motion.fps = 25;
    y_up = infer::root_to_y_up(motion.rotmats);
  }
  at::Tensor expected_joints() {
    model.to(torch::kCPU, torch::kFloat64);
    const int64_t n = motion.rotmats.size(0);
    return model.forward(y_up, motion.betas.unsqueeze(0).expand({n, 10})).joints;
  }
};

// Column-major 4x4 from translation and quaternion (x, y, z, w).
at::Tensor local_transform(const std::vector<double>& t, const float* q) {
  const double x = q[0], y = q[1], z = q[2], w = q[3];
  auto m = torch::eye(4, torch::kFloat64);
  auto a = m.accessor<double, 2>();
  a[0][0] = 1 - 2 * (y * y + z * z), a[0][1] = 2 * (x * y - z * w), a[0][2] = 2 * (x * z + y * w);
  a[1][0] = 2 * (x * y + z * w), a[1][1] = 1 - 2 * (x * x + z * z), a[1][2] = 2 * (y * z - x * w);
  a[2][0] = 2 * (x * z - y * w), a[2][1] = 2 * (y * z + x * w), a[2][2] = 1 - 2 * (x * x + y * y);
  for (int i = 0; i < 3; ++i) a[i][3] = t.empty() ? 0.0 : t[i];
  return m;
}

template <typename T>
const T* accessor_data(const tinygltf::Model& m, int index) {
  const auto& acc = m.accessors[index];
  const auto& view = m.bufferViews[acc.bufferView];
  return reinterpret_cast<const T*>(m.buffers[view.buffer].data.data() + view.byteOffset +
                                    acc.byteOffset);
}

TEST(Exports, GlbAnimationReproducesThePosedJoints) {
  MotionSetup s;
  motioncue::testing::TempDir tmp;
  const fs::path file = tmp / "track.glb";
  infer::write_glb(file, s.model, s.motion);

  tinygltf::Model m;
  tinygltf::TinyGLTF loader;
  std::string err, warn;
  ASSERT_TRUE(loader.LoadBinaryFromFile(&m, &err, &warn, file.string())) << err;
  ASSERT_EQ(m.skins.size(), 1u);
  ASSERT_EQ(m.skins[0].joints.size(), 24u);
  ASSERT_EQ(m.animations.size(), 1u);
  ASSERT_EQ(m.meshes[0].primitives[0].attributes.count("WEIGHTS_0"), 1u);
  const auto& anim = m.animations[0];
  ASSERT_EQ(anim.channels.size(), 24u);
  const float* times = accessor_data<float>(m, anim.samplers[0].input);
  EXPECT_NEAR(times[3], 4.0 / 25, 1e-6);

  std::map<int, int> parent;
  for (std::size_t n = 0; n < m.nodes.size(); ++n)
    for (int c : m.nodes[n].children) parent[c] = static_cast<int>(n);
  const auto expected = s.expected_joints();
  for (int64_t f = 0; f < 5; ++f) {
    std::vector<at::Tensor> global(m.nodes.size());
    std::vector<at::Tensor> local(m.nodes.size());
    for (const auto& ch : anim.channels) {
      ASSERT_EQ(ch.target_path, "rotation");
      const float* q = accessor_data<float>(m, anim.samplers[ch.sampler].output) + f * 4;
      local[ch.target_node] = local_transform(m.nodes[ch.target_node].translation, q);
    }
    for (int j : m.skins[0].joints) {  // parents come before children in the SMPL order
      global[j] = parent.count(j) ? torch::matmul(global[parent[j]], local[j]) : local[j];
      auto pos = global[j].slice(0, 0, 3).select(1, 3);
      EXPECT_TRUE(torch::allclose(pos, expected[f][j], 0, 1e-4))
          << "frame " << f << " joint " << j << ": " << pos << " vs " << expected[f][j];
    }
  }
}

// A minimal BVH reader: joint names in channel order, channel counts, and the motion rows.
struct Bvh {
  std::vector<std::string> joints;
  std::vector<int> channels;
  std::vector<std::vector<double>> frames;
  double frame_time = 0;
};

Bvh parse_bvh(const fs::path& file) {
  std::ifstream in(file);
  Bvh b;
  std::string tok;
  int frames = 0;
  while (in >> tok) {
    if (tok == "ROOT" || tok == "JOINT") {
      in >> tok;
      b.joints.push_back(tok);
    } else if (tok == "CHANNELS") {
      int n;
      in >> n;
      b.channels.push_back(n);
      for (int i = 0; i < n; ++i) in >> tok;
    } else if (tok == "Frames:") {
      in >> frames;
    } else if (tok == "Time:") {
      in >> b.frame_time;
      break;
    }
  }
  int total = 0;
  for (int c : b.channels) total += c;
  for (int f = 0; f < frames; ++f) {
    std::vector<double> row(total);
    for (auto& v : row) in >> v;
    b.frames.push_back(row);
  }
  return b;
}

TEST(Exports, BvhParsesBackToTheSameJointRotations) {
  MotionSetup s;
  motioncue::testing::TempDir tmp;
  const fs::path file = tmp / "track.bvh";
  infer::write_bvh(file, s.model, s.motion);
  const auto bvh = parse_bvh(file);
  ASSERT_EQ(bvh.joints.size(), 24u);
  ASSERT_EQ(bvh.frames.size(), 6u);  // frames 0..5, frame 3 repeated from frame 2
  EXPECT_NEAR(bvh.frame_time, 0.04, 1e-9);
  const auto& names = body::kinematic_joint_names();
  const std::vector<int> key_of_frame = {0, 1, 2, 2, 3, 4};
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  for (int f = 0; f < 6; ++f) {
    std::size_t col = 0;
    for (std::size_t k = 0; k < bvh.joints.size(); ++k) {
      if (bvh.channels[k] == 6) col += 3;  // root position
      const double a = bvh.frames[f][col] * kRad, b = bvh.frames[f][col + 1] * kRad,
                   c = bvh.frames[f][col + 2] * kRad;
      col += 3;
      auto rz = torch::tensor(
                    {std::cos(a), -std::sin(a), 0.0, std::sin(a), std::cos(a), 0.0, 0.0, 0.0, 1.0},
                    torch::kFloat64)
                    .view({3, 3});
      auto rx = torch::tensor(
                    {1.0, 0.0, 0.0, 0.0, std::cos(b), -std::sin(b), 0.0, std::sin(b), std::cos(b)},
                    torch::kFloat64)
                    .view({3, 3});
      auto ry = torch::tensor(
                    {std::cos(c), 0.0, std::sin(c), 0.0, 1.0, 0.0, -std::sin(c), 0.0, std::cos(c)},
                    torch::kFloat64)
                    .view({3, 3});
      auto r = torch::matmul(rz, torch::matmul(rx, ry));
      int j = 0;
      while (bvh.joints[k] != names[j]) ++j;
      auto expected = s.y_up[key_of_frame[f]][j];
      EXPECT_TRUE(torch::allclose(r, expected, 0, 1e-5))
          << "frame " << f << " joint " << bvh.joints[k];
    }
  }
}

}  // namespace
