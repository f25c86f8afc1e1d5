// BodyModel::load: reads an .npz in SMPL's key layout (docs/FORMATS.md) and checks every array
// against the others before any tensor is built, so a bad file fails with the key to blame.
#include <torch/torch.h>

#include <cmath>
#include <set>

#include "motioncue/body/body_model.h"
#include "motioncue/body/joint_sets.h"
#include "motioncue/body/keypoint_fallback.h"
#include "motioncue/core/error.h"
#include "motioncue/core/hash.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"

namespace motioncue::body {
namespace {

// Body hashes recorded in checkpoints start FNV-1a from this basis (the true one short of its
// last digit, core/hash.h); kept so that every recorded body still matches its file.
constexpr std::uint64_t kBodyHashBasis = 1469598103934665603ULL;

// FNV-1a over key names, dtypes, shapes and bytes of every array in key order, continuing `h`.
std::uint64_t mix_arrays(const Npz& npz, std::uint64_t h) {
  for (const auto& key : npz.keys()) {
    const NpyArray& a = npz.at(key);
    h = fnv1a64(key.data(), key.size() + 1, h);
    const std::string d = dtype_descr(a.dtype);
    h = fnv1a64(d.data(), d.size() + 1, h);
    for (std::int64_t s : a.shape) h = fnv1a64(&s, sizeof(s), h);
    h = fnv1a64(a.bytes.data(), a.bytes.size(), h);
  }
  return h;
}

// The replacement keypoint regressor of BodyModel::load, checked against the model.
at::Tensor read_keypoint_regressor(const std::filesystem::path& file, std::int64_t nv,
                                   const at::Tensor& base, Npz& hashed) {
  const NpyArray a = read_npy(file);
  const std::int64_t rows = a.shape.size() == 2 ? a.shape[0] : -1;
  if (a.dtype == DType::kStr || a.shape.size() != 2 || a.shape[1] != nv ||
      (rows != kSpinExtraJoints && rows != kNumKeypoints))
    throw Error("a keypoint regressor must be 9 x V (SPIN's J_regressor_extra) or 24 x V")
        .file(file.string())
        .expected("9 x " + std::to_string(nv) + " or 24 x " + std::to_string(nv))
        .found(dtype_name(a.dtype) + " " + a.shape_string());
  const std::vector<double> v = a.to_f64();
  for (double x : v)
    if (!std::isfinite(x)) throw Error("array contains NaN or infinite values").file(file.string());
  hashed.set("keypoint_regressor_file", a);
  const at::Tensor r = torch::tensor(v, torch::kDouble).reshape({rows, nv});
  if (rows == kNumKeypoints) return r;
  if (!base.defined())
    throw Error(
        "SPIN's 9 extra joints complete a keypoint regressor, and this model has none to complete "
        "(no J_regressor_keypoints, no landmarks, not SMPL's topology); give a 24 x V regressor")
        .file(file.string());
  return with_spin_extra_joints(base, r);
}

class Reader {
 public:
  Reader(const Npz& npz, std::string file) : npz_(npz), file_(std::move(file)) {}

  const NpyArray& array(const std::string& key, const std::vector<std::int64_t>& dims) const {
    if (!npz_.contains(key)) throw Error("missing key in body model").file(file_).key(key);
    const NpyArray& a = npz_.at(key);
    bool ok = a.shape.size() == dims.size();
    for (std::size_t i = 0; ok && i < dims.size(); ++i) ok = dims[i] < 0 || a.shape[i] == dims[i];
    if (!ok) {
      std::string want = "(";
      for (std::size_t i = 0; i < dims.size(); ++i) {
        want += (i ? ", " : "") + (dims[i] < 0 ? std::string("*") : std::to_string(dims[i]));
      }
      want += dims.size() == 1 ? ",)" : ")";
      throw Error("array has the wrong shape")
          .file(file_)
          .key(key)
          .expected(want)
          .found(a.shape_string());
    }
    if (a.dtype == DType::kStr) {
      throw Error("array must be numeric").file(file_).key(key).found("strings");
    }
    return a;
  }

  // A float64 tensor of the array, checked for NaN and infinities.
  at::Tensor floats(const std::string& key, const std::vector<std::int64_t>& dims) const {
    const NpyArray& a = array(key, dims);
    std::vector<double> v = a.to_f64();
    for (double x : v) {
      if (!std::isfinite(x)) {
        throw Error("array contains NaN or infinite values").file(file_).key(key);
      }
    }
    return torch::tensor(v, torch::kDouble).reshape(a.shape);
  }

  std::vector<std::int64_t> ints(const std::string& key,
                                 const std::vector<std::int64_t>& dims) const {
    const NpyArray& a = array(key, dims);
    if (a.dtype == DType::kF32 || a.dtype == DType::kF64 || a.dtype == DType::kF16) {
      for (double x : a.to_f64()) {
        if (!std::isfinite(x) || x != std::floor(x)) {
          throw Error("array must hold integers").file(file_).key(key);
        }
      }
    }
    return a.to_i64();
  }

  bool has(const std::string& key) const { return npz_.contains(key); }
  const std::string& file() const { return file_; }

 private:
  const Npz& npz_;
  std::string file_;
};

}  // namespace

BodyModel BodyModel::load(const std::filesystem::path& path,
                          const std::filesystem::path& keypoint_regressor_file) {
  const Npz npz = read_npz(path);
  const Reader r(npz, path.string());
  BodyModel m;
  m.source_ = path;

  at::Tensor v_template = r.floats("v_template", {-1, 3});
  const std::int64_t nv = v_template.size(0);
  if (nv < 3) throw Error("too few vertices").file(r.file()).key("v_template");

  at::Tensor shapedirs = r.floats("shapedirs", {nv, 3, -1});
  m.num_betas_ = shapedirs.size(2);

  at::Tensor posedirs;
  if (r.has("posedirs")) {
    const auto& a = npz.at("posedirs");
    if (a.shape.size() == 3) {
      posedirs = r.floats("posedirs", {nv, 3, (kNumJoints - 1) * 9})
                     .reshape({nv * 3, (kNumJoints - 1) * 9})
                     .t();
    } else {
      posedirs = r.floats("posedirs", {(kNumJoints - 1) * 9, nv * 3});
    }
  }

  at::Tensor j_regressor = r.floats("J_regressor", {kNumJoints, nv});
  at::Tensor weights = r.floats("weights", {nv, kNumJoints});
  {
    const double min_w = weights.min().item<double>();
    const double sum_err = (weights.sum(1) - 1).abs().max().item<double>();
    if (min_w < -1e-6 || sum_err > 1e-3) {
      throw Error("skinning weights must be non-negative and sum to 1 for every vertex")
          .file(r.file())
          .key("weights")
          .found("min " + std::to_string(min_w) + ", largest |sum - 1| " + std::to_string(sum_err));
    }
  }

  const std::vector<std::int64_t> kintree = r.ints("kintree_table", {2, kNumJoints});
  m.parents_.resize(kNumJoints);
  for (int j = 0; j < kNumJoints; ++j) {
    std::int64_t p = kintree[j];
    if (p == 4294967295LL || p == -1) p = -1;
    const bool ok = (j == 0 && p == -1) || (j > 0 && p >= 0 && p < j);
    if (!ok) {
      throw Error("kintree_table is not a tree rooted at joint 0 with parents before children")
          .file(r.file())
          .key("kintree_table")
          .found("parent of joint " + std::to_string(j) + " = " + std::to_string(kintree[j]));
    }
    m.parents_[j] = static_cast<int>(p);
  }

  const NpyArray& f_array = r.array("f", {-1, 3});
  const std::vector<std::int64_t> faces = r.ints("f", {-1, 3});
  for (std::int64_t i : faces) {
    if (i < 0 || i >= nv) {
      throw Error("face refers to a vertex that does not exist")
          .file(r.file())
          .key("f")
          .expected("indices in [0, " + std::to_string(nv) + ")")
          .found(std::to_string(i));
    }
  }
  m.faces_ = torch::tensor(faces, torch::kLong).reshape({f_array.shape[0], 3});

  if (r.has("landmark_vertices") || r.has("landmark_names")) {
    const std::vector<std::int64_t> ids = r.ints("landmark_vertices", {-1});
    if (!r.has("landmark_names")) {
      throw Error("missing key in body model").file(r.file()).key("landmark_names");
    }
    const NpyArray& names = npz.at("landmark_names");
    if (names.dtype != DType::kStr || names.shape.size() != 1 ||
        names.shape[0] != static_cast<std::int64_t>(ids.size())) {
      throw Error("landmark names must be strings, one per landmark vertex")
          .file(r.file())
          .key("landmark_names")
          .expected("(" + std::to_string(ids.size()) + ",) strings")
          .found(names.shape_string());
    }
    const auto strs = names.to_strings();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] < 0 || ids[i] >= nv) {
        throw Error("landmark refers to a vertex that does not exist")
            .file(r.file())
            .key("landmark_vertices")
            .found(std::to_string(ids[i]));
      }
      m.landmarks_[strs[i]] = ids[i];
    }
  }

  if (r.has("part_labels")) {
    m.part_labels_ = torch::tensor(r.ints("part_labels", {nv}), torch::kLong);
    if (r.has("part_names")) m.part_names_ = npz.at("part_names").to_strings();
  }

  at::Tensor keypoint_regressor;
  if (r.has("J_regressor_keypoints")) {
    keypoint_regressor = r.floats("J_regressor_keypoints", {kNumKeypoints, nv});
  } else {
    keypoint_regressor = fallback_keypoint_regressor(j_regressor, m.landmarks_, nv);
  }
  Npz extra_hashed;
  if (!keypoint_regressor_file.empty())
    keypoint_regressor =
        read_keypoint_regressor(keypoint_regressor_file, nv, keypoint_regressor, extra_hashed);
  m.hash_ = hex64(mix_arrays(extra_hashed, mix_arrays(npz, kBodyHashBasis)));

  m.v_template_ = v_template;
  m.shapedirs_ = shapedirs.reshape({nv * 3, m.num_betas_});
  m.posedirs_ = posedirs;
  m.j_regressor_ = j_regressor;
  m.j_template_ = torch::matmul(j_regressor, v_template);
  m.j_shapedirs_ = torch::matmul(j_regressor, shapedirs.reshape({nv, 3 * m.num_betas_}))
                       .reshape({kNumJoints * 3, m.num_betas_});
  m.weights_ = weights;
  m.keypoint_regressor_ = keypoint_regressor;
  m.skinning_ = SkinningWeights::from_dense(weights);
  if (keypoint_regressor.defined()) {
    m.keypoint_skinning_ =
        KeypointSkinning::build(keypoint_regressor, weights, v_template, m.shapedirs_, posedirs);
  }
  m.to(torch::kCPU, torch::kFloat);
  return m;
}

}  // namespace motioncue::body
