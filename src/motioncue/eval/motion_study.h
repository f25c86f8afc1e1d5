// Experiment E5 (docs/METHOD.md section 9): is off-the-shelf optical flow a better estimate of the
// body's 2D motion than the network's own predictions? For every frame pair (t, t + gap) of a
// split, the ground-truth motion of each evaluation joint in frame t's crop is compared with the
// flow sampled at the joint and with the difference of the network's single-frame predictions.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace motioncue::body {
class BodyModel;
}
namespace motioncue::data {
class VideoDataset;
}
namespace motioncue::model {
class PoseNetwork;
}

namespace motioncue::eval {

// One frame pair (t, t + gap): K joints each, every point in pixels of frame t's crop (frame t's
// box at the network's resolution; pixel centres at j + 0.5, geometry/crop.h).
struct PairJoints {
  std::vector<cv::Point2d> gt1, gt2;      // ground truth in frames t and t + gap
  std::vector<cv::Point2d> pred1, pred2;  // the network's predictions in frames t and t + gap
  std::vector<bool> visible;              // the dataset's visibility flag, true in both frames
};

// Per counted joint (same order in the three vectors), in crop pixels, and why joints were left
// out. A joint counts when it is flagged visible, lies inside the crop in both frames, and the
// flow is defined at it (an oracle flow is NaN where the body point is occluded).
struct PairMotionErrors {
  std::vector<double> flow_error;     // |flow(gt1) - (gt2 - gt1)|
  std::vector<double> network_error;  // |(pred2 - pred1) - (gt2 - gt1)|
  std::vector<double> gt_motion;      // |gt2 - gt1|
  std::int64_t not_visible = 0, outside = 0, no_flow = 0;
};

// `flow`: the forward flow t -> t + gap between the two crops, CV_32FC2, square, in crop pixels;
// sampled bilinearly (flow::sample_flow) at gt1. Throws Error when the vectors' sizes differ or
// the flow is not a square CV_32FC2 field.
PairMotionErrors motion_errors(const PairJoints& joints, const cv::Mat& flow);

// Pooled over the joint samples of every pair of one gap (each sample weighs the same).
struct GapSummary {
  int gap = 0;
  std::int64_t pairs = 0, samples = 0;
  std::int64_t not_visible = 0, outside = 0, no_flow = 0;
  double flow_error_px = 0, network_error_px = 0;  // means; NaN without samples
  double flow_error_median_px = 0, network_error_median_px = 0;
  double ratio = 0;         // flow_error_px / network_error_px (< 1: the flow is better)
  double gt_motion_px = 0;  // mean |ground-truth motion|, for scale
  std::string skipped;      // why the gap has no pairs (every sequence too short), else empty
};
GapSummary summarize_gap(int gap, const std::vector<PairMotionErrors>& pairs);

// The pairs (sequence, t) with t + gap < frames of that sequence, in order; empty when every
// sequence is too short. Throws Error for gap < 1.
std::vector<std::pair<std::int64_t, std::int64_t>> study_pairs(
    const std::vector<std::int64_t>& sequence_frames, int gap);

// "1,3,5,7" -> {1, 3, 5, 7}. Throws Error naming the entry that is not a positive integer, or a
// repeated one, and for an empty list.
std::vector<int> parse_gaps(const std::string& text);

struct MotionStudyOptions {
  std::string estimator = "dis-medium";  // a flow::make_flow_estimator name, or "oracle"
  std::vector<int> gaps{1, 3, 5, 7};
  int resolution = 128;                  // the network's input size; crops and flow use it
  int batch_size = 32;                   // crops per network call
  std::filesystem::path flow_cache_dir;  // empty: no cache (not used by "oracle")
};

struct MotionStudyResult {
  std::string estimator, split;
  int resolution = 0;
  std::vector<GapSummary> gaps;  // in the order of options.gaps
};

// Walks every sequence of `dataset` (which needs joints2d, or joints3d with intrinsics). Both
// frames of a pair are cropped with frame t's box, as data::PairLoader does for the flow loss, so
// the network's two predictions, the flow and the ground truth share one coordinate frame.
// "oracle" is the benchmark's exact flow (flow/ files) cropped with that box. A gap longer than
// every sequence is reported as skipped; Error when no gap has a pair, for a bad gap, or for a
// split without ground truth.
MotionStudyResult run_motion_study(const model::PoseNetwork& network, const body::BodyModel& body,
                                   const data::VideoDataset& dataset,
                                   const MotionStudyOptions& options);

nlohmann::json to_json(const MotionStudyResult& result);
void write_motion_study(const std::filesystem::path& file, const MotionStudyResult& result);
// gap | flow error | network error | flow / network | GT motion | joints, as markdown.
std::string motion_study_table(const MotionStudyResult& result);

}  // namespace motioncue::eval
