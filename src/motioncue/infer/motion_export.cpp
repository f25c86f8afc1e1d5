#include "motioncue/infer/motion_export.h"

#include <tiny_gltf.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <iomanip>
#include <sstream>

#include "motioncue/body/joint_sets.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue::infer {
namespace fs = std::filesystem;

at::Tensor root_to_y_up(const at::Tensor& rotmats) {
  auto flip = torch::tensor({1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, -1.0},
                            rotmats.options().dtype(torch::kFloat64))
                  .view({3, 3})
                  .to(rotmats.dtype());
  auto out = rotmats.clone();
  out.select(1, 0).copy_(torch::matmul(flip, rotmats.select(1, 0)));
  return out;
}

namespace {

struct Shaped {
  at::Tensor vertices;  // V x 3 float64
  at::Tensor joints;    // 24 x 3 float64
};

Shaped shaped_rest(const body::BodyModel& model, const at::Tensor& betas) {
  auto b = betas.to(torch::kFloat64).reshape({-1});
  const int64_t nb = std::min<int64_t>(b.size(0), model.num_betas());
  auto tmpl = model.template_vertices().to(torch::kCPU, torch::kFloat64);
  auto dirs = model.shape_directions().to(torch::kCPU, torch::kFloat64).narrow(1, 0, nb);
  auto v = tmpl + torch::matmul(dirs, b.narrow(0, 0, nb)).view({-1, 3});
  auto j = torch::matmul(model.joint_regressor().to(torch::kCPU, torch::kFloat64), v);
  return {v.contiguous(), j.contiguous()};
}

void check_motion(const TrackMotion& motion, const fs::path& file) {
  if (motion.rotmats.dim() != 4 || motion.rotmats.size(1) != body::kNumJoints ||
      motion.rotmats.size(0) != static_cast<int64_t>(motion.frames.size()) || motion.frames.empty())
    throw Error("track motion needs F x 24 x 3 x 3 rotations and F frame indices, F > 0")
        .file(file.string());
}

// Appends raw bytes to the buffer (4-byte aligned) and returns the new buffer view's index.
int add_view(tinygltf::Model& m, const void* data, std::size_t bytes, int target = 0) {
  auto& buf = m.buffers[0].data;
  while (buf.size() % 4) buf.push_back(0);
  tinygltf::BufferView view;
  view.buffer = 0;
  view.byteOffset = buf.size();
  view.byteLength = bytes;
  if (target) view.target = target;
  const auto* p = static_cast<const unsigned char*>(data);
  buf.insert(buf.end(), p, p + bytes);
  m.bufferViews.push_back(view);
  return static_cast<int>(m.bufferViews.size()) - 1;
}

int add_accessor(tinygltf::Model& m, int view, int component, int type, std::size_t count,
                 std::vector<double> min_v = {}, std::vector<double> max_v = {}) {
  tinygltf::Accessor a;
  a.bufferView = view;
  a.componentType = component;
  a.type = type;
  a.count = count;
  a.minValues = std::move(min_v);
  a.maxValues = std::move(max_v);
  m.accessors.push_back(a);
  return static_cast<int>(m.accessors.size()) - 1;
}

std::array<float, 4> to_quaternion(const double* r) {  // row-major 3x3 -> x, y, z, w
  const double tr = r[0] + r[4] + r[8];
  double x, y, z, w;
  if (tr > 0) {
    const double s = std::sqrt(tr + 1.0) * 2;
    w = 0.25 * s, x = (r[7] - r[5]) / s, y = (r[2] - r[6]) / s, z = (r[3] - r[1]) / s;
  } else if (r[0] > r[4] && r[0] > r[8]) {
    const double s = std::sqrt(1.0 + r[0] - r[4] - r[8]) * 2;
    w = (r[7] - r[5]) / s, x = 0.25 * s, y = (r[1] + r[3]) / s, z = (r[2] + r[6]) / s;
  } else if (r[4] > r[8]) {
    const double s = std::sqrt(1.0 + r[4] - r[0] - r[8]) * 2;
    w = (r[2] - r[6]) / s, x = (r[1] + r[3]) / s, y = 0.25 * s, z = (r[5] + r[7]) / s;
  } else {
    const double s = std::sqrt(1.0 + r[8] - r[0] - r[4]) * 2;
    w = (r[3] - r[1]) / s, x = (r[2] + r[6]) / s, y = (r[5] + r[7]) / s, z = 0.25 * s;
  }
  const double n = std::sqrt(x * x + y * y + z * z + w * w);
  return {float(x / n), float(y / n), float(z / n), float(w / n)};
}

}  // namespace

void write_glb(const fs::path& file, const body::BodyModel& model, const TrackMotion& motion) {
  check_motion(motion, file);
  const auto shaped = shaped_rest(model, motion.betas);
  const auto& parents = body::kinematic_parents();
  const auto& names = body::kinematic_joint_names();
  const int64_t nv = shaped.vertices.size(0);
  const int64_t nj = body::kNumJoints;

  tinygltf::Model m;
  m.asset.version = "2.0";
  m.asset.generator = "motioncue infer";
  m.buffers.resize(1);

  // Mesh attributes.
  std::vector<float> positions(nv * 3);
  std::vector<double> pmin(3, 1e30), pmax(3, -1e30);
  const double* vp = shaped.vertices.data_ptr<double>();
  for (int64_t i = 0; i < nv * 3; ++i) {
    positions[i] = static_cast<float>(vp[i]);
    pmin[i % 3] = std::min(pmin[i % 3], double(positions[i]));
    pmax[i % 3] = std::max(pmax[i % 3], double(positions[i]));
  }
  auto faces = model.faces().to(torch::kInt64).contiguous();
  std::vector<uint32_t> indices(faces.numel());
  const int64_t* fp = faces.data_ptr<int64_t>();
  for (int64_t i = 0; i < faces.numel(); ++i) indices[i] = static_cast<uint32_t>(fp[i]);
  auto weights = model.skinning_weights().to(torch::kCPU, torch::kFloat64).contiguous();
  auto top = weights.topk(4, 1);
  auto top_w = std::get<0>(top).contiguous();
  auto top_i = std::get<1>(top).contiguous();
  std::vector<uint16_t> joints4(nv * 4);
  std::vector<float> weights4(nv * 4);
  const double* tw = top_w.data_ptr<double>();
  const int64_t* ti = top_i.data_ptr<int64_t>();
  for (int64_t v = 0; v < nv; ++v) {
    double sum = 0;
    for (int k = 0; k < 4; ++k) sum += std::max(0.0, tw[v * 4 + k]);
    for (int k = 0; k < 4; ++k) {
      joints4[v * 4 + k] = static_cast<uint16_t>(ti[v * 4 + k]);
      weights4[v * 4 + k] =
          sum > 0 ? static_cast<float>(std::max(0.0, tw[v * 4 + k]) / sum) : (k == 0 ? 1.f : 0.f);
    }
  }

  const int pos_acc = add_accessor(
      m, add_view(m, positions.data(), positions.size() * 4, TINYGLTF_TARGET_ARRAY_BUFFER),
      TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_VEC3, nv, pmin, pmax);
  const int idx_acc = add_accessor(
      m, add_view(m, indices.data(), indices.size() * 4, TINYGLTF_TARGET_ELEMENT_ARRAY_BUFFER),
      TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT, TINYGLTF_TYPE_SCALAR, indices.size());
  const int jnt_acc =
      add_accessor(m, add_view(m, joints4.data(), joints4.size() * 2, TINYGLTF_TARGET_ARRAY_BUFFER),
                   TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT, TINYGLTF_TYPE_VEC4, nv);
  const int wgt_acc = add_accessor(
      m, add_view(m, weights4.data(), weights4.size() * 4, TINYGLTF_TARGET_ARRAY_BUFFER),
      TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_VEC4, nv);

  tinygltf::Primitive prim;
  prim.attributes["POSITION"] = pos_acc;
  prim.attributes["JOINTS_0"] = jnt_acc;
  prim.attributes["WEIGHTS_0"] = wgt_acc;
  prim.indices = idx_acc;
  prim.mode = TINYGLTF_MODE_TRIANGLES;
  tinygltf::Mesh mesh;
  mesh.name = "body";
  mesh.primitives.push_back(prim);
  m.meshes.push_back(mesh);

  // Joint nodes 0..23 (the kinematic tree), then the skinned mesh node.
  const double* jp = shaped.joints.data_ptr<double>();
  std::vector<float> inverse_bind(nj * 16, 0.f);
  for (int j = 0; j < nj; ++j) {
    tinygltf::Node node;
    node.name = names[j];
    const int p = parents[j];
    for (int a = 0; a < 3; ++a)
      node.translation.push_back(p < 0 ? jp[j * 3 + a] : jp[j * 3 + a] - jp[p * 3 + a]);
    m.nodes.push_back(node);
    float* ib = &inverse_bind[j * 16];  // column-major translation by -J
    ib[0] = ib[5] = ib[10] = ib[15] = 1.f;
    for (int a = 0; a < 3; ++a) ib[12 + a] = static_cast<float>(-jp[j * 3 + a]);
  }
  for (int j = 0; j < nj; ++j)
    if (parents[j] >= 0) m.nodes[parents[j]].children.push_back(j);
  tinygltf::Node mesh_node;
  mesh_node.name = "body";
  mesh_node.mesh = 0;
  mesh_node.skin = 0;
  m.nodes.push_back(mesh_node);

  tinygltf::Skin skin;
  skin.name = "body";
  for (int j = 0; j < nj; ++j) skin.joints.push_back(j);
  skin.skeleton = 0;
  skin.inverseBindMatrices =
      add_accessor(m, add_view(m, inverse_bind.data(), inverse_bind.size() * 4),
                   TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_MAT4, nj);
  m.skins.push_back(skin);

  // Animation: one rotation channel per joint.
  const int64_t nf = motion.rotmats.size(0);
  std::vector<float> times(nf);
  for (int64_t f = 0; f < nf; ++f) times[f] = static_cast<float>(motion.frames[f] / motion.fps);
  const int time_acc =
      add_accessor(m, add_view(m, times.data(), times.size() * 4), TINYGLTF_COMPONENT_TYPE_FLOAT,
                   TINYGLTF_TYPE_SCALAR, nf, {times.front()}, {times.back()});
  auto rot = root_to_y_up(motion.rotmats.to(torch::kCPU, torch::kFloat64)).contiguous();
  const double* rp = rot.data_ptr<double>();
  tinygltf::Animation anim;
  anim.name = "motion";
  for (int j = 0; j < nj; ++j) {
    std::vector<float> quats(nf * 4);
    for (int64_t f = 0; f < nf; ++f) {
      const auto q = to_quaternion(rp + (f * nj + j) * 9);
      std::copy(q.begin(), q.end(), quats.begin() + f * 4);
    }
    const int out_acc = add_accessor(m, add_view(m, quats.data(), quats.size() * 4),
                                     TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_VEC4, nf);
    tinygltf::AnimationSampler sampler;
    sampler.input = time_acc;
    sampler.output = out_acc;
    sampler.interpolation = "LINEAR";
    anim.samplers.push_back(sampler);
    tinygltf::AnimationChannel channel;
    channel.sampler = j;
    channel.target_node = j;
    channel.target_path = "rotation";
    anim.channels.push_back(channel);
  }
  m.animations.push_back(anim);

  tinygltf::Scene scene;
  scene.name = "motioncue";
  scene.nodes = {0, static_cast<int>(nj)};
  m.scenes.push_back(scene);
  m.defaultScene = 0;

  AtomicFile out(file);
  tinygltf::TinyGLTF writer;
  if (!writer.WriteGltfSceneToFile(&m, out.temp_path().string(), true, true, false, true))
    throw Error("cannot write glTF file").file(file.string());
  out.commit();
}

void write_bvh(const fs::path& file, const body::BodyModel& model, const TrackMotion& motion) {
  check_motion(motion, file);
  const auto shaped = shaped_rest(model, motion.betas);
  const auto& parents = body::kinematic_parents();
  const auto& names = body::kinematic_joint_names();
  const int nj = body::kNumJoints;
  const double* jp = shaped.joints.data_ptr<double>();
  constexpr double kCm = 100.0;

  std::vector<std::vector<int>> children(nj);
  for (int j = 1; j < nj; ++j) children[parents[j]].push_back(j);
  std::ostringstream s;
  s << std::fixed << std::setprecision(6);
  std::vector<int> order;  // joints in the order their channels appear
  std::function<void(int, int)> emit = [&](int j, int depth) {
    const std::string pad(depth * 2, ' ');
    const int p = parents[j];
    s << pad << (p < 0 ? "ROOT " : "JOINT ") << names[j] << "\n" << pad << "{\n";
    s << pad << "  OFFSET";
    for (int a = 0; a < 3; ++a)
      s << " " << (p < 0 ? jp[j * 3 + a] : jp[j * 3 + a] - jp[p * 3 + a]) * kCm;
    s << "\n"
      << pad << "  CHANNELS "
      << (p < 0 ? "6 Xposition Yposition Zposition Zrotation Xrotation Yrotation"
                : "3 Zrotation Xrotation Yrotation")
      << "\n";
    order.push_back(j);
    if (children[j].empty()) {
      s << pad << "  End Site\n"
        << pad << "  {\n"
        << pad << "    OFFSET 0.0 0.0 0.0\n"
        << pad << "  }\n";
    }
    for (int c : children[j]) emit(c, depth + 1);
    s << pad << "}\n";
  };
  s << "HIERARCHY\n";
  emit(0, 0);

  auto rot = root_to_y_up(motion.rotmats.to(torch::kCPU, torch::kFloat64)).contiguous();
  const double* rp = rot.data_ptr<double>();
  const int64_t first = static_cast<int64_t>(std::llround(motion.frames.front()));
  const int64_t last = static_cast<int64_t>(std::llround(motion.frames.back()));
  s << "MOTION\nFrames: " << (last - first + 1) << "\nFrame Time: " << std::setprecision(8)
    << 1.0 / motion.fps << "\n"
    << std::setprecision(6);
  constexpr double kDeg = 180.0 / 3.14159265358979323846;
  std::size_t key = 0;
  for (int64_t f = first; f <= last; ++f) {
    while (key + 1 < motion.frames.size() && std::llround(motion.frames[key + 1]) <= f) ++key;
    bool firstv = true;
    for (int j : order) {
      const double* r = rp + (key * nj + j) * 9;
      if (parents[j] < 0) {
        for (int a = 0; a < 3; ++a) s << (firstv ? "" : " ") << jp[a] * kCm, firstv = false;
      }
      // R = Rz(a) Rx(b) Ry(c): R21 = sin b, R20 = -cos b sin c, R22 = cos b cos c,
      // R01 = -sin a cos b, R11 = cos a cos b.
      const double b = std::asin(std::clamp(r[7], -1.0, 1.0));
      const double c = std::atan2(-r[6], r[8]);
      const double a = std::atan2(-r[1], r[4]);
      s << " " << a * kDeg << " " << b * kDeg << " " << c * kDeg;
    }
    s << "\n";
  }
  write_file_atomic(file, s.str());
}

}  // namespace motioncue::infer
