// Runs a predictor over every frame of a split and scores it with the field's metrics
// (docs/METHOD.md section 7): overall, per sequence and per joint, the facing diagnostics of
// facing.h for the whole split, plus the raw predictions so anyone can recompute the numbers.
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "motioncue/eval/facing.h"
#include "motioncue/eval/metrics.h"

namespace motioncue::body {
class BodyModel;
}
namespace motioncue::data {
class VideoDataset;
struct FrameBatch;
}  // namespace motioncue::data
namespace motioncue::model {
class PoseNetwork;
struct Prediction;
}  // namespace motioncue::model

namespace motioncue::eval {

// Maps a batch of frames (in sequence order) to body parameters. The single-frame network is one
// predictor; a temporal model, which keeps state across calls, is another.
using Predictor = std::function<model::Prediction(const data::FrameBatch&)>;
Predictor single_frame_predictor(const model::PoseNetwork& network);

struct EvalOptions {
  int resolution = 128;
  int batch_size = 32;
  bool keep_predictions = true;
  bool with_vertices = true;  // PVE needs the ground-truth mesh: one more body-model pass
};

struct EvalResult {
  MetricSummary overall;
  std::vector<std::pair<std::string, MetricSummary>> per_sequence;
  std::vector<double> per_joint_mm;  // 14, mean over frames after pelvis alignment
  FacingSummary facing;              // the whole split: facing errors and MPJPE-R (facing.h)
  // With keep_predictions: T x 14 x 3 millimetres (pelvis-centred), and ids per frame.
  at::Tensor pred_joints, gt_joints;
  std::vector<std::int64_t> sequence, frame;
  std::vector<std::string> sequence_names;
};

EvalResult evaluate(const Predictor& predict, const body::BodyModel& body,
                    const data::VideoDataset& dataset, const EvalOptions& options);

// A single-frame network on a split, on crops of its own input size (options.resolution is
// replaced by the network's).
EvalResult evaluate_network(const model::PoseNetwork& network, const body::BodyModel& body,
                            const data::VideoDataset& dataset, EvalOptions options = {});

nlohmann::json to_json(const EvalResult& result);
void write_result_json(const std::filesystem::path& file, const EvalResult& result);
// pred_joints, gt_joints (T x 14 x 3, mm), sequence (T), frame (T), sequence_names (S).
void write_predictions(const std::filesystem::path& file, const EvalResult& result);

}  // namespace motioncue::eval
