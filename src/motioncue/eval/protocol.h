// The field's published evaluation protocols on SPIN's preprocessed test archives (definitions:
// docs/PROTOCOLS.md). Predicted joints come from the 17-joint Human3.6M regressor applied to the
// predicted mesh; ground truth is the archive's 3D keypoints (Human3.6M, MPI-INF-3DHP) or the
// joints of the gendered ground-truth mesh (3DPW). Both sides are centred on their own pelvis.
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json_fwd.hpp>

#include <c10/core/Device.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "motioncue/geometry/crop.h"

namespace motioncue::body {
class BodyModel;
}
namespace motioncue::model {
class PoseNetwork;
}

namespace motioncue::eval {

enum class Protocol { k3dpw, kH36mP1, kH36mP2, kMpiInf3dhp };

// "3dpw", "h36m-p1", "h36m-p2", "mpi-inf-3dhp"; anything else is an Error listing these.
Protocol parse_protocol(const std::string& name);
std::string protocol_name(Protocol protocol);

// Joints each protocol scores: 14 (LSP order) or 17 for MPI-INF-3DHP.
int protocol_joint_count(Protocol protocol);
// Rows of the Human3.6M regressor's 17 joints, in the scored order (SPIN's H36M_TO_J17 prefix).
std::vector<std::int64_t> h36m_joint_rows(Protocol protocol);
// Indices into the 24 SPIN-order keypoints of the archive's S, in the scored order.
std::vector<std::int64_t> keypoint_rows(Protocol protocol);
inline constexpr std::int64_t kH36mJoints = 17;
inline constexpr std::int64_t kH36mPelvis = 0;       // row of the regressor's pelvis
inline constexpr std::int64_t kKeypointPelvis = 14;  // SPIN keypoint 14: pelvis

// Protocol 2 keeps the frames of this camera only (the frontal one; its id is part of every
// Human3.6M image name).
inline constexpr const char* kH36mFrontalCamera = "60457274";

// One SPIN-layout test archive, read and checked against a protocol. Images are named relative
// to `image_root` (SPIN's dataset folder).
class ProtocolSplit {
 public:
  static ProtocolSplit open(const std::filesystem::path& npz, Protocol protocol,
                            const std::filesystem::path& image_root);

  Protocol protocol() const { return protocol_; }
  std::int64_t size() const { return static_cast<std::int64_t>(rows_.size()); }
  const std::filesystem::path& file() const { return file_; }
  std::filesystem::path image_path(std::int64_t i) const;
  geometry::PersonBox box(std::int64_t i) const;
  // Ground truth, rows in the split's order: keypoints N x J x 3 (metres, pelvis-centred) for
  // Human3.6M and MPI-INF-3DHP; pose N x 72, betas N x 10 and female N (bool) for 3DPW.
  const at::Tensor& gt_joints() const { return gt_joints_; }
  const at::Tensor& gt_pose() const { return gt_pose_; }
  const at::Tensor& gt_betas() const { return gt_betas_; }
  const std::vector<bool>& female() const { return female_; }
  bool has_gender() const { return has_gender_; }
  // Rows of the archive kept (protocol 2 keeps the frontal camera only).
  const std::vector<std::int64_t>& archive_rows() const { return rows_; }

 private:
  Protocol protocol_ = Protocol::k3dpw;
  std::filesystem::path file_, image_root_;
  std::vector<std::string> imgname_;
  std::vector<double> center_, scale_;
  std::vector<std::int64_t> rows_;
  at::Tensor gt_joints_, gt_pose_, gt_betas_;
  std::vector<bool> female_;
  bool has_gender_ = false;
};

// Reads a Human3.6M joint regressor (.npy, 17 x V) and checks it against the body's vertices.
at::Tensor load_h36m_regressor(const std::filesystem::path& npy, std::int64_t num_vertices);

struct ProtocolBodies {
  const body::BodyModel* neutral = nullptr;  // the network's body (required)
  const body::BodyModel* male = nullptr;     // 3DPW ground truth with a gender key
  const body::BodyModel* female = nullptr;
  at::Tensor h36m_regressor;  // 17 x V
};

struct ProtocolOptions {
  int resolution = 224;
  int batch_size = 32;
};

struct ProtocolResult {
  Protocol protocol = Protocol::k3dpw;
  std::int64_t frames = 0;
  double mpjpe = 0, pa_mpjpe = 0;
  double pve = -1;                                 // 3DPW only (mm), else -1
  double pck150 = -1, auc = -1;                    // MPI-INF-3DHP only (%), else -1
  std::vector<double> per_joint_mm;                // MPJPE per scored joint
  at::Tensor mpjpe_per_frame, pa_mpjpe_per_frame;  // N, mm
};

ProtocolResult evaluate_protocol(const model::PoseNetwork& network, const ProtocolBodies& bodies,
                                 const ProtocolSplit& split, const ProtocolOptions& options);

// What a protocol run is given by name (eval --protocol, and a training run's validation on an
// archive); `keys` name the settings in errors (CLI options or config keys).
struct ProtocolFiles {
  std::string protocol, archive, images, h36m_regressor, body_male, body_female;
  struct Keys {
    std::string protocol, h36m_regressor, bodies;
  } keys;
};
// Everything evaluate_protocol needs, opened and checked together: the archive (images default
// to its folder), the regressor against `neutral`, the gendered bodies (on `device`) that a 3DPW
// archive with genders requires. `neutral` must outlive the result.
struct ProtocolSetup {
  std::unique_ptr<ProtocolSplit> split;
  std::unique_ptr<body::BodyModel> male, female;
  ProtocolBodies bodies;
};
std::unique_ptr<ProtocolSetup> open_protocol(const ProtocolFiles& files,
                                             const body::BodyModel& neutral,
                                             const c10::Device& device);

nlohmann::json to_json(const ProtocolResult& result);

}  // namespace motioncue::eval
