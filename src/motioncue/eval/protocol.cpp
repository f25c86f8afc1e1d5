#include "motioncue/eval/protocol.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/labeled_dataset.h"
#include "motioncue/data/network_input.h"
#include "motioncue/geometry/procrustes.h"
#include "motioncue/model/network.h"

namespace motioncue::eval {
namespace {

constexpr double kMillimetres = 1000.0;
constexpr int64_t kArchiveKeypoints = 24;

// The 17 joints MPI-INF-3DHP scores, from the Human3.6M regressor's rows and from the 24
// SPIN-order keypoints; the first 14 are the LSP joints every other protocol scores.
constexpr std::array<int64_t, 17> kH36mRows = {6,  5,  4,  1, 2,  3, 16, 15, 14,
                                               11, 12, 13, 8, 10, 0, 7,  9};
constexpr std::array<int64_t, 17> kKeypointRows = {0, 1,  2,  3,  4,  5,  6,  7, 8,
                                                   9, 10, 11, 12, 18, 14, 16, 17};

at::Tensor to_tensor(const std::vector<float>& v, std::vector<int64_t> shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat).clone();
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void require_finite(const at::Tensor& t, const std::string& origin, const std::string& key) {
  if (!torch::isfinite(t).all().item<bool>())
    throw Error("the array holds NaN or infinite values").file(origin).key(key);
}

// N x V x 3 vertices -> N x J x 3 scored joints, centred on the regressor's pelvis.
at::Tensor regressed_joints(const at::Tensor& vertices, const at::Tensor& regressor,
                            const at::Tensor& rows) {
  const at::Tensor all = torch::einsum("jv,nvc->njc", {regressor, vertices});
  return all.index_select(1, rows) - all.select(1, kH36mPelvis).unsqueeze(1);
}

}  // namespace

Protocol parse_protocol(const std::string& name) {
  for (Protocol p : {Protocol::k3dpw, Protocol::kH36mP1, Protocol::kH36mP2, Protocol::kMpiInf3dhp})
    if (name == protocol_name(p)) return p;
  throw Error("unknown evaluation protocol")
      .key("--protocol")
      .expected("3dpw, h36m-p1, h36m-p2 or mpi-inf-3dhp")
      .found(name);
}

std::string protocol_name(Protocol protocol) {
  switch (protocol) {
    case Protocol::k3dpw:
      return "3dpw";
    case Protocol::kH36mP1:
      return "h36m-p1";
    case Protocol::kH36mP2:
      return "h36m-p2";
    case Protocol::kMpiInf3dhp:
      return "mpi-inf-3dhp";
  }
  return "?";
}

int protocol_joint_count(Protocol protocol) { return protocol == Protocol::kMpiInf3dhp ? 17 : 14; }

std::vector<int64_t> h36m_joint_rows(Protocol protocol) {
  return {kH36mRows.begin(), kH36mRows.begin() + protocol_joint_count(protocol)};
}

std::vector<int64_t> keypoint_rows(Protocol protocol) {
  return {kKeypointRows.begin(), kKeypointRows.begin() + protocol_joint_count(protocol)};
}

ProtocolSplit ProtocolSplit::open(const std::filesystem::path& npz_file, Protocol protocol,
                                  const std::filesystem::path& image_root) {
  const Npz npz = read_npz(npz_file);
  const std::string origin = npz_file.string();
  ProtocolSplit s;
  s.protocol_ = protocol;
  s.file_ = npz_file;
  s.image_root_ = image_root;

  s.imgname_ = data::read_image_names(npz, origin);
  const int64_t n = static_cast<int64_t>(s.imgname_.size());
  s.center_ = npz.at("center", {n, 2}).to_f64();
  s.scale_ = npz.at("scale", {n}).to_f64();
  for (int64_t i = 0; i < n; ++i) {
    const auto u = static_cast<std::size_t>(i);
    if (!(s.scale_[u] > 0) || !std::isfinite(s.scale_[u]) || !std::isfinite(s.center_[2 * u]) ||
        !std::isfinite(s.center_[2 * u + 1]))
      throw Error("person box must be finite with a positive scale")
          .file(origin)
          .key("center, scale")
          .found("row " + std::to_string(i));
  }

  for (int64_t i = 0; i < n; ++i)
    if (protocol != Protocol::kH36mP2 ||
        s.imgname_[static_cast<std::size_t>(i)].find(kH36mFrontalCamera) != std::string::npos)
      s.rows_.push_back(i);
  if (s.rows_.empty())
    throw Error("no image of the frontal camera: protocol 2 scores that camera only")
        .file(origin)
        .key("imgname")
        .expected(std::string("names containing ") + kH36mFrontalCamera);
  const at::Tensor rows = torch::tensor(s.rows_, torch::kLong);

  if (protocol == Protocol::k3dpw) {
    s.gt_pose_ = to_tensor(npz.at("pose", {n, 72}).to_f32(), {n, 72}).index_select(0, rows);
    s.gt_betas_ = to_tensor(npz.at("shape", {n, 10}).to_f32(), {n, 10}).index_select(0, rows);
    require_finite(s.gt_pose_, origin, "pose");
    require_finite(s.gt_betas_, origin, "shape");
    s.has_gender_ = npz.contains("gender");
    if (s.has_gender_) {
      const NpyArray& g = npz.at("gender", {n});
      if (g.dtype != DType::kStr)
        throw Error("gender must be strings ('m' or 'f')").file(origin).key("gender");
      const auto genders = g.to_strings();
      for (int64_t r : s.rows_) {
        const std::string v = lower(genders[static_cast<std::size_t>(r)]);
        if (v != "m" && v != "f" && v != "male" && v != "female")
          throw Error("unknown gender")
              .file(origin)
              .key("gender[" + std::to_string(r) + "]")
              .expected("m or f")
              .found(genders[static_cast<std::size_t>(r)]);
        s.female_.push_back(v[0] == 'f');
      }
    }
  } else {
    const at::Tensor S =
        to_tensor(npz.at("S", {n, kArchiveKeypoints, 4}).to_f32(), {n, kArchiveKeypoints, 4})
            .index_select(0, rows)
            .slice(2, 0, 3);
    require_finite(S, origin, "S");
    const at::Tensor pick = torch::tensor(keypoint_rows(protocol), torch::kLong);
    // SPIN's archives are already centred on this joint; centring again changes nothing there
    // and makes archives from other tools comparable.
    s.gt_joints_ = S.index_select(1, pick) - S.select(1, kKeypointPelvis).unsqueeze(1);
  }
  for (int64_t r : s.rows_) {
    const auto path = image_root / s.imgname_[static_cast<std::size_t>(r)];
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      throw Error("image file named in imgname is missing")
          .file(path.string())
          .key("imgname[" + std::to_string(r) + "]")
          .found("listed in " + origin + "; set the image folder with --images");
  }
  return s;
}

std::filesystem::path ProtocolSplit::image_path(int64_t i) const {
  return image_root_ / imgname_[static_cast<std::size_t>(rows_.at(static_cast<std::size_t>(i)))];
}

geometry::PersonBox ProtocolSplit::box(int64_t i) const {
  const auto r = static_cast<std::size_t>(rows_.at(static_cast<std::size_t>(i)));
  return {{center_[2 * r], center_[2 * r + 1]}, scale_[r]};
}

at::Tensor load_h36m_regressor(const std::filesystem::path& npy, int64_t num_vertices) {
  const NpyArray a = read_npy(npy);
  if (a.dtype == DType::kStr || a.shape.size() != 2 || a.shape[0] != kH36mJoints ||
      a.shape[1] != num_vertices)
    throw Error("the Human3.6M joint regressor must be 17 x V, V the body's vertex count")
        .file(npy.string())
        .expected("17 x " + std::to_string(num_vertices))
        .found(dtype_name(a.dtype) + " " + a.shape_string());
  at::Tensor r = to_tensor(a.to_f32(), {kH36mJoints, num_vertices});
  require_finite(r, npy.string(), "J_regressor_h36m");
  return r;
}

ProtocolResult evaluate_protocol(const model::PoseNetwork& network, const ProtocolBodies& bodies,
                                 const ProtocolSplit& split, const ProtocolOptions& options) {
  if (bodies.neutral == nullptr) throw Error("evaluate_protocol needs the network's body model");
  const Protocol protocol = split.protocol();
  const bool gendered = protocol == Protocol::k3dpw && split.has_gender();
  if (gendered && (bodies.male == nullptr || bodies.female == nullptr))
    throw Error("3DPW ground truth is posed on the gendered bodies: give both")
        .file(split.file().string())
        .key("--body-male, --body-female");
  const int64_t v = bodies.neutral->num_vertices();
  for (const body::BodyModel* b : {bodies.male, bodies.female})
    if (b != nullptr && b->num_vertices() != v)
      throw Error("the gendered bodies must have the network body's vertex count")
          .file(b->source().string())
          .expected(std::to_string(v))
          .found(std::to_string(b->num_vertices()));
  if (!bodies.h36m_regressor.defined() || bodies.h36m_regressor.size(1) != v)
    throw Error("the Human3.6M regressor does not fit the body").key("--h36m-regressor");

  torch::NoGradGuard no_grad;
  const auto device = network.device();
  const at::Tensor regressor = bodies.h36m_regressor.to(device, torch::kFloat);
  const at::Tensor rows = torch::tensor(h36m_joint_rows(protocol), torch::kLong).to(device);
  std::vector<at::Tensor> pred_all, gt_all, pve_all;
  Progress progress("evaluate " + protocol_name(protocol), split.size(), "image");
  for (int64_t start = 0; start < split.size(); start += options.batch_size) {
    const int64_t end = std::min<int64_t>(split.size(), start + options.batch_size);
    std::vector<at::Tensor> crops;
    for (int64_t i = start; i < end; ++i) {
      const cv::Mat image = cv::imread(split.image_path(i).string(), cv::IMREAD_COLOR);
      if (image.empty())
        throw Error("cannot read the image (missing or not an image)")
            .file(split.image_path(i).string());
      crops.push_back(
          data::to_network_input(geometry::crop_image(image, split.box(i), options.resolution)));
    }
    const model::Prediction p = network.forward(torch::stack(crops).to(device));
    const at::Tensor pred_vertices = bodies.neutral->forward(p.rotmats, p.betas).vertices;
    pred_all.push_back(regressed_joints(pred_vertices, regressor, rows).to(torch::kDouble).cpu());
    progress.advance(end - start);
    if (protocol != Protocol::k3dpw) continue;
    const at::Tensor pose = split.gt_pose().slice(0, start, end).to(device);
    const at::Tensor betas = split.gt_betas().slice(0, start, end).to(device);
    at::Tensor gt_vertices = bodies.neutral->forward_axis_angle(pose, betas).vertices;
    if (gendered) {
      std::vector<uint8_t> is_female;
      for (int64_t i = start; i < end; ++i)
        is_female.push_back(split.female()[static_cast<std::size_t>(i)] ? 1 : 0);
      const at::Tensor mask = torch::tensor(is_female, torch::kBool).to(device).view({-1, 1, 1});
      gt_vertices = torch::where(mask, bodies.female->forward_axis_angle(pose, betas).vertices,
                                 bodies.male->forward_axis_angle(pose, betas).vertices);
    }
    gt_all.push_back(regressed_joints(gt_vertices, regressor, rows).to(torch::kDouble).cpu());
    const auto pelvis_of = [&](const at::Tensor& verts) {
      return torch::einsum("v,nvc->nc", {regressor.select(0, kH36mPelvis), verts}).unsqueeze(1);
    };
    pve_all.push_back(
        ((pred_vertices - pelvis_of(pred_vertices)) - (gt_vertices - pelvis_of(gt_vertices)))
            .norm(2, -1)
            .mean(1)
            .to(torch::kDouble)
            .cpu() *
        kMillimetres);
  }
  progress.finish();

  const at::Tensor pred = torch::cat(pred_all);
  const at::Tensor gt =
      protocol == Protocol::k3dpw ? torch::cat(gt_all) : split.gt_joints().to(torch::kDouble);
  const at::Tensor err = (pred - gt).norm(2, -1) * kMillimetres;  // N x J
  const at::Tensor pa_err = (geometry::procrustes_align(pred, gt) - gt).norm(2, -1) * kMillimetres;
  ProtocolResult r;
  r.protocol = protocol;
  r.frames = pred.size(0);
  r.mpjpe_per_frame = err.mean(1);
  r.pa_mpjpe_per_frame = pa_err.mean(1);
  r.mpjpe = r.mpjpe_per_frame.mean().item<double>();
  r.pa_mpjpe = r.pa_mpjpe_per_frame.mean().item<double>();
  const at::Tensor per_joint = err.mean(0);
  for (int64_t j = 0; j < per_joint.size(0); ++j)
    r.per_joint_mm.push_back(per_joint[j].item<double>());
  if (protocol == Protocol::k3dpw) r.pve = torch::cat(pve_all).mean().item<double>();
  if (protocol == Protocol::kMpiInf3dhp) {
    r.pck150 = 100.0 * (err <= 150.0).to(torch::kDouble).mean().item<double>();
    double auc = 0;
    constexpr int kThresholds = 31;  // 0, 5, ..., 150 mm
    for (int t = 0; t < kThresholds; ++t)
      auc += (err <= 5.0 * t).to(torch::kDouble).mean().item<double>();
    r.auc = 100.0 * auc / kThresholds;
  }
  return r;
}

std::unique_ptr<ProtocolSetup> open_protocol(const ProtocolFiles& files,
                                             const body::BodyModel& neutral,
                                             const c10::Device& device) {
  if (files.protocol.empty())
    throw Error("scoring an archive needs the protocol that defines the score")
        .file(files.archive)
        .key(files.keys.protocol)
        .expected("3dpw, h36m-p1, h36m-p2 or mpi-inf-3dhp");
  const Protocol protocol = parse_protocol(files.protocol);
  if (files.h36m_regressor.empty())
    throw Error("a published protocol scores the joints of the Human3.6M regressor")
        .key(files.keys.h36m_regressor)
        .expected("J_regressor_h36m.npy (17 x V), as distributed with SPIN");
  const std::filesystem::path archive = files.archive;
  auto setup = std::make_unique<ProtocolSetup>();
  setup->split = std::make_unique<ProtocolSplit>(ProtocolSplit::open(
      archive, protocol,
      files.images.empty() ? archive.parent_path() : std::filesystem::path(files.images)));
  for (auto [file, slot] :
       {std::pair{&files.body_male, &setup->male}, std::pair{&files.body_female, &setup->female}})
    if (!file->empty()) {
      *slot = std::make_unique<body::BodyModel>(body::BodyModel::load(*file));
      (*slot)->to(device, torch::kFloat);
    }
  if (protocol == Protocol::k3dpw && setup->split->has_gender() && (!setup->male || !setup->female))
    throw Error("3DPW ground truth is posed on the gendered bodies: give both")
        .file(archive.string())
        .key(files.keys.bodies);
  setup->bodies.neutral = &neutral;
  setup->bodies.male = setup->male.get();
  setup->bodies.female = setup->female.get();
  setup->bodies.h36m_regressor = load_h36m_regressor(files.h36m_regressor, neutral.num_vertices());
  return setup;
}

nlohmann::json to_json(const ProtocolResult& r) {
  nlohmann::json j;
  j["protocol"] = protocol_name(r.protocol);
  j["frames"] = r.frames;
  j["mpjpe_mm"] = r.mpjpe;
  j["pa_mpjpe_mm"] = r.pa_mpjpe;
  if (r.pve >= 0) j["pve_mm"] = r.pve;
  if (r.pck150 >= 0) {
    j["pck150_percent"] = r.pck150;
    j["auc_percent"] = r.auc;
  }
  j["per_joint_mpjpe_mm"] = r.per_joint_mm;
  j["joints"] = protocol_joint_count(r.protocol);
  j["definition"] = "docs/PROTOCOLS.md";
  return j;
}

}  // namespace motioncue::eval
