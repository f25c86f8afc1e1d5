#include "motioncue/temporal/sequence_optimiser.h"

#include <torch/torch.h>

#include "motioncue/body/body_model.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/error.h"
#include "motioncue/temporal/smoothing.h"

namespace motioncue::temporal {

namespace {

struct Objective {
  at::Tensor total;
  model::Prediction prediction;
};

Objective evaluate(const body::BodyModel& body, const at::Tensor& pose6d, const at::Tensor& betas,
                   const at::Tensor& cam, const at::Tensor& init_pose6d,
                   const at::Tensor& init_betas, const at::Tensor& init_cam,
                   const at::Tensor& flow_fw, const at::Tensor& flow_bw,
                   const SequenceOptimiserOptions& options) {
  const int64_t t = pose6d.size(0);
  auto rotmats = body::rot6d_to_matrix(pose6d.reshape({t, model::kPoseJoints, 6}));
  auto out = body.forward(rotmats, betas);
  auto anchor = ((pose6d - init_pose6d).pow(2).sum(1) + (betas - init_betas).pow(2).sum(1) +
                 (cam - init_cam).pow(2).sum(1))
                    .mean();
  auto total =
      options.anchor_weight * anchor + options.smooth_weight * smoothness_term(out.keypoints);
  if (flow_fw.defined() && t >= 2) {
    auto terms = losses::flow_consistency_loss_from_meshes(
        out.vertices.slice(0, 0, t - 1), cam.slice(0, 0, t - 1), out.vertices.slice(0, 1, t),
        cam.slice(0, 1, t), body.faces().to(pose6d.device()), flow_fw, flow_bw, options.flow);
    total = total + options.w_flow * terms.loss;
  }
  return {total, {rotmats, pose6d, betas, cam}};
}

}  // namespace

SequenceOptimiserResult optimise_sequence(const body::BodyModel& body,
                                          const model::Prediction& initial,
                                          const at::Tensor& flow_fw, const at::Tensor& flow_bw,
                                          const SequenceOptimiserOptions& options) {
  const int64_t t = initial.pose6d.size(0);
  if (options.iterations < 0)
    throw Error("optimiser iterations must not be negative").key("iterations");
  if (flow_fw.defined() != flow_bw.defined()) throw Error("give both flow directions or neither");
  if (flow_fw.defined() &&
      (flow_fw.dim() != 4 || flow_fw.size(0) != t - 1 || flow_bw.sizes() != flow_fw.sizes()))
    throw Error("flows must be (T-1) x 2 x R x R")
        .expected("T-1 = " + std::to_string(t - 1))
        .found(std::to_string(flow_fw.dim()) + "-d tensor");
  auto init_pose = initial.pose6d.detach().reshape({t, model::kPoseDim});
  auto init_betas = initial.betas.detach();
  auto init_cam = initial.cam.detach();
  auto pose6d = init_pose.clone().requires_grad_(true);
  auto betas = init_betas.clone().requires_grad_(true);
  auto cam = init_cam.clone().requires_grad_(true);
  torch::optim::Adam adam({pose6d, betas, cam}, torch::optim::AdamOptions(options.lr));
  SequenceOptimiserResult result;
  for (int i = 0; i < options.iterations; ++i) {
    adam.zero_grad();
    auto objective = evaluate(body, pose6d, betas, cam, init_pose, init_betas, init_cam, flow_fw,
                              flow_bw, options);
    objective.total.backward();
    result.objective.push_back(objective.total.item<double>());
    adam.step();
  }
  torch::NoGradGuard no_grad;
  auto final = evaluate(body, pose6d, betas, cam, init_pose, init_betas, init_cam, flow_fw, flow_bw,
                        options);
  result.objective.push_back(final.total.item<double>());
  result.prediction = {final.prediction.rotmats.detach(), pose6d.detach().clone(),
                       betas.detach().clone(), cam.detach().clone()};
  return result;
}

}  // namespace motioncue::temporal
