#include "motioncue/eval/evaluator.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <map>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/sequence_loader.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/model/network.h"

namespace motioncue::eval {
namespace {

constexpr int64_t kEval = 14;

MetricSummary summarise(const at::Tensor& mp, const at::Tensor& pa, const at::Tensor& pv,
                        const at::Tensor& pred, const at::Tensor& gt,
                        const std::vector<int64_t>& seq) {
  MetricSummary s;
  s.frames = mp.size(0);
  s.mpjpe = mp.mean().item<double>();
  s.pa_mpjpe = pa.mean().item<double>();
  s.pve = pv.defined() && pv.numel() > 0 ? pv.mean().item<double>() : 0.0;
  s.accel = acceleration_error(pred, gt, seq);
  return s;
}

}  // namespace

Predictor single_frame_predictor(const model::PoseNetwork& network) {
  return [&network](const data::FrameBatch& batch) {
    return network.forward(batch.images.to(network.device()));
  };
}

EvalResult evaluate_network(const model::PoseNetwork& network, const body::BodyModel& body,
                            const data::VideoDataset& dataset, EvalOptions options) {
  options.resolution = network.config().resolution;
  return evaluate(single_frame_predictor(network), body, dataset, options);
}

EvalResult evaluate(const Predictor& predict, const body::BodyModel& body,
                    const data::VideoDataset& dataset, const EvalOptions& options) {
  if (!dataset.has_ground_truth())
    throw Error("cannot evaluate a split without ground truth").file(dataset.split_dir().string());
  torch::NoGradGuard no_grad;
  data::SequenceLoader loader(dataset, options.resolution, options.batch_size);
  std::vector<at::Tensor> pred_j, gt_j, mp, pa, pv, joints_err;
  std::vector<int64_t> seq, frame;
  int64_t total = 0;
  for (int64_t s = 0; s < dataset.num_sequences(); ++s) total += dataset.num_frames(s);
  Progress progress("evaluate", total, "frame");
  data::FrameBatch batch;
  while (loader.next(batch)) {
    const model::Prediction p = predict(batch);
    body::BodyOutput out;
    if (options.with_vertices) {
      out = body.forward(p.rotmats, p.betas);
    } else {
      out.keypoints = body.keypoints(p.rotmats, p.betas);
    }
    const auto device = out.keypoints.device();
    const at::Tensor pk = out.keypoints.slice(1, 0, kEval).to(torch::kFloat64).cpu();
    const at::Tensor gk = batch.gt_keypoints3d.slice(1, 0, kEval).to(torch::kFloat64).cpu();
    const at::Tensor pred_c = pk - pelvis(pk).unsqueeze(1);
    const at::Tensor gt_c = gk - pelvis(gk).unsqueeze(1);
    pred_j.push_back(pred_c * 1000.0);
    gt_j.push_back(gt_c * 1000.0);
    mp.push_back(mpjpe(pk, gk));
    pa.push_back(pa_mpjpe(pk, gk));
    joints_err.push_back(per_joint_error(pk, gk));
    if (options.with_vertices) {
      const body::BodyOutput gt_out =
          body.forward_axis_angle(batch.gt_pose.to(device, out.vertices.scalar_type()),
                                  batch.gt_betas.to(device, out.vertices.scalar_type()));
      const at::Tensor gk_model = gt_out.keypoints.slice(1, 0, kEval).to(torch::kFloat64).cpu();
      pv.push_back(pve(out.vertices.to(torch::kFloat64).cpu(),
                       gt_out.vertices.to(torch::kFloat64).cpu(), pelvis(pk), pelvis(gk_model)));
    }
    seq.insert(seq.end(), batch.seq.begin(), batch.seq.end());
    frame.insert(frame.end(), batch.frame.begin(), batch.frame.end());
    progress.advance(static_cast<int64_t>(batch.seq.size()));
  }
  progress.finish();
  if (seq.empty()) throw Error("the split has no frames").file(dataset.split_dir().string());

  EvalResult r;
  const at::Tensor P = torch::cat(pred_j), G = torch::cat(gt_j);
  const at::Tensor MP = torch::cat(mp), PA = torch::cat(pa);
  const at::Tensor PV = pv.empty() ? at::Tensor() : torch::cat(pv);
  r.overall = summarise(MP, PA, PV, P / 1000.0, G / 1000.0, seq);
  r.facing = summarize_facing(P / 1000.0, G / 1000.0, seq);
  const at::Tensor per_joint = torch::cat(joints_err).mean(0);
  for (int64_t j = 0; j < per_joint.size(0); ++j)
    r.per_joint_mm.push_back(per_joint[j].item<double>());
  for (int64_t s = 0; s < dataset.num_sequences(); ++s) {
    r.sequence_names.push_back(dataset.sequence_name(s));
    std::vector<int64_t> rows;
    for (std::size_t i = 0; i < seq.size(); ++i)
      if (seq[i] == s) rows.push_back(static_cast<int64_t>(i));
    if (rows.empty()) continue;
    const at::Tensor idx = torch::tensor(rows, torch::kLong);
    r.per_sequence.emplace_back(
        dataset.sequence_name(s),
        summarise(MP.index_select(0, idx), PA.index_select(0, idx),
                  PV.defined() ? PV.index_select(0, idx) : at::Tensor(),
                  P.index_select(0, idx) / 1000.0, G.index_select(0, idx) / 1000.0,
                  std::vector<int64_t>(rows.size(), s)));
  }
  if (options.keep_predictions) {
    r.pred_joints = P.to(torch::kFloat32);
    r.gt_joints = G.to(torch::kFloat32);
    r.sequence = seq;
    r.frame = frame;
  }
  return r;
}

nlohmann::json to_json(const EvalResult& r) {
  nlohmann::json j;
  j["overall"] = to_json(r.overall);
  j["units"] = "millimetres (accel: mm / frame^2)";
  nlohmann::json per_seq = nlohmann::json::object();
  for (const auto& [name, s] : r.per_sequence) per_seq[name] = to_json(s);
  j["per_sequence"] = per_seq;
  j["per_joint_mm"] = r.per_joint_mm;
  j["facing"] = to_json(r.facing);
  return j;
}

void write_result_json(const std::filesystem::path& file, const EvalResult& r) {
  write_file_atomic(file, to_json(r).dump(2) + "\n");
}

void write_predictions(const std::filesystem::path& file, const EvalResult& r) {
  if (!r.pred_joints.defined())
    throw Error("no predictions kept (EvalOptions::keep_predictions was off)").file(file.string());
  const int64_t T = r.pred_joints.size(0);
  auto to_vec = [](const at::Tensor& t) {
    const at::Tensor c = t.contiguous().to(torch::kFloat32).cpu();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  };
  Npz z;
  z.set("pred_joints", NpyArray::from_f32({T, kEval, 3}, to_vec(r.pred_joints)));
  z.set("gt_joints", NpyArray::from_f32({T, kEval, 3}, to_vec(r.gt_joints)));
  z.set("sequence", NpyArray::from_i64({T}, r.sequence));
  z.set("frame", NpyArray::from_i64({T}, r.frame));
  z.set("sequence_names",
        NpyArray::from_strings({static_cast<int64_t>(r.sequence_names.size())}, r.sequence_names));
  write_npz(file, z);
}

}  // namespace motioncue::eval
