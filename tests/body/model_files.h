// Body-model files made by the tests: a toy model whose skinning can be computed by hand, and a
// random file with SMPL's exact layout.
#pragma once

#include <torch/torch.h>

#include <filesystem>

#include "motioncue/core/npz.h"

namespace motioncue::testing {

inline NpyArray f64_array(const torch::Tensor& t) {
  auto c = t.to(torch::kDouble).contiguous();
  std::vector<double> v(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  return NpyArray::from_f64(c.sizes().vec(), v);
}

// 24 marker vertices (vertex j is joint j; the joint regressor is the identity on them) plus two
// test vertices on the left leg: A = (1, -0.5, 0) skinned to the left hip only, and
// B = (1, -1.5, 0) skinned half to the left hip, half to the left knee. The left hip is at
// (1, 0, 0), the left knee at (1, -1, 0). One shape direction moves every vertex by +1 in y.
inline Npz toy_model() {
  const int nv = 26;
  auto v = torch::zeros({nv, 3}, torch::kDouble);
  for (int j = 0; j < 24; ++j) {
    v[j][0] = 0.1 * j - 5.0;  // out of the way
    v[j][2] = 3.0;
  }
  v[1] = torch::tensor({1.0, 0.0, 0.0}, torch::kDouble);   // left hip
  v[4] = torch::tensor({1.0, -1.0, 0.0}, torch::kDouble);  // left knee
  v[24] = torch::tensor({1.0, -0.5, 0.0}, torch::kDouble);
  v[25] = torch::tensor({1.0, -1.5, 0.0}, torch::kDouble);
  auto jreg = torch::zeros({24, nv}, torch::kDouble);
  for (int j = 0; j < 24; ++j) jreg[j][j] = 1.0;
  auto w = torch::zeros({nv, 24}, torch::kDouble);
  for (int j = 0; j < 24; ++j) w[j][j] = 1.0;
  w[24][1] = 1.0;
  w[25][1] = 0.5;
  w[25][4] = 0.5;
  auto shapedirs = torch::zeros({nv, 3, 1}, torch::kDouble);
  shapedirs.select(1, 1).fill_(1.0);
  const std::vector<std::int64_t> parents = {-1, 0, 0, 0,  1,  2,  3,  4,  5,  6,  7,  8,
                                             9,  9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21};
  std::vector<std::int64_t> kintree(parents);
  for (int j = 0; j < 24; ++j) kintree.push_back(j);
  Npz npz;
  npz.set("v_template", f64_array(v));
  npz.set("shapedirs", f64_array(shapedirs));
  npz.set("J_regressor", f64_array(jreg));
  npz.set("weights", f64_array(w));
  npz.set("kintree_table", NpyArray::from_i64({2, 24}, kintree));
  npz.set("f", NpyArray::from_i64({2, 3}, {0, 1, 24, 24, 4, 25}));
  // Keypoints: the kinematic joints of the 24 marker vertices, in any order, suffice here.
  npz.set("J_regressor_keypoints", f64_array(jreg));
  return npz;
}

// SMPL's layout exactly: 6890 vertices, 13776 faces (uint32), shapedirs 6890 x 3 x 10,
// posedirs 6890 x 3 x 207, float64, kintree root 4294967295 (uint32). Random values.
inline Npz smpl_layout_model(std::uint64_t seed) {
  torch::manual_seed(seed);
  const int nv = 6890, nf = 13776;
  auto v = torch::randn({nv, 3}, torch::kDouble) * 0.3;
  auto shapedirs = torch::randn({nv, 3, 10}, torch::kDouble) * 0.01;
  auto posedirs = torch::randn({nv, 3, 207}, torch::kDouble) * 0.001;
  auto jreg = torch::rand({24, nv}, torch::kDouble);
  jreg = jreg / jreg.sum(1, true);
  auto w = torch::rand({nv, 24}, torch::kDouble).pow(8);
  w = w / w.sum(1, true);
  auto faces = torch::randint(0, nv, {nf, 3}, torch::kLong);
  std::vector<std::uint32_t> f32(faces.data_ptr<int64_t>(), faces.data_ptr<int64_t>() + nf * 3);
  const std::vector<std::uint32_t> parents = {
      4294967295u, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21};
  std::vector<std::uint32_t> kintree(parents);
  for (std::uint32_t j = 0; j < 24; ++j) kintree.push_back(j);
  auto u32 = [](std::vector<std::int64_t> shape, const std::vector<std::uint32_t>& values) {
    NpyArray a;
    a.dtype = DType::kU32;
    a.shape = std::move(shape);
    a.bytes.resize(values.size() * 4);
    std::memcpy(a.bytes.data(), values.data(), a.bytes.size());
    return a;
  };
  Npz npz;
  npz.set("v_template", f64_array(v));
  npz.set("shapedirs", f64_array(shapedirs));
  npz.set("posedirs", f64_array(posedirs));
  npz.set("J_regressor", f64_array(jreg));
  npz.set("weights", f64_array(w));
  npz.set("kintree_table", u32({2, 24}, kintree));
  npz.set("f", u32({nf, 3}, f32));
  return npz;
}

}  // namespace motioncue::testing
