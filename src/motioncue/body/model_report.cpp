#include "motioncue/body/model_report.h"

#include <torch/torch.h>

#include "motioncue/body/joint_sets.h"
#include "motioncue/body/mesh_checks.h"

namespace motioncue::body {

nlohmann::json describe_model(const BodyModel& model) {
  auto v = model.template_vertices().to(torch::kCPU, torch::kDouble).contiguous();
  auto f = model.faces().contiguous();
  std::vector<double> coords(v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
  std::vector<std::array<std::int64_t, 3>> faces(f.size(0));
  auto fa = f.accessor<int64_t, 2>();
  for (int64_t i = 0; i < f.size(0); ++i) faces[i] = {fa[i][0], fa[i][1], fa[i][2]};
  const MeshCheck check = check_mesh(coords, faces);

  auto w = model.skinning_weights().to(torch::kCPU, torch::kDouble);
  const double min_w = w.min().item<double>();
  const double sum_err = (w.sum(1) - 1).abs().max().item<double>();
  const int64_t max_influences = (w > 0).sum(1).max().item<int64_t>();
  auto joint_max = std::get<0>(w.max(0));
  nlohmann::json per_joint = nlohmann::json::object();
  for (int j = 0; j < kNumJoints; ++j) {
    per_joint[kinematic_joint_names()[j]] = joint_max[j].item<double>();
  }
  auto y = v.select(1, 1);
  nlohmann::json j;
  j["file"] = model.source().string();
  j["hash"] = model.hash();
  j["vertices"] = model.num_vertices();
  j["faces"] = f.size(0);
  j["betas"] = model.num_betas();
  j["pose_blendshapes"] = model.has_pose_blendshapes();
  j["keypoints"] = model.has_keypoints();
  j["landmarks"] = nlohmann::json::object();
  for (const auto& [name, id] : model.landmarks()) j["landmarks"][name] = id;
  j["part_names"] = model.part_names();
  j["height_m"] = (y.max() - y.min()).item<double>();
  j["mesh"] = {{"watertight", check.watertight()},     {"manifold", check.manifold()},
               {"oriented_outward", check.oriented()}, {"components", check.components},
               {"volume_m3", check.signed_volume},     {"summary", check.summary()}};
  j["weights"] = {{"valid", min_w >= 0 && sum_err < 1e-4 && max_influences <= 4},
                  {"min", min_w},
                  {"max_sum_error", sum_err},
                  {"max_influences", max_influences},
                  {"largest_weight_per_joint", per_joint}};
  return j;
}

}  // namespace motioncue::body
