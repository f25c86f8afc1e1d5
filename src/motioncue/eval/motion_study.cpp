#include "motioncue/eval/motion_study.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/parse.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/network_input.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/eval/metrics.h"
#include "motioncue/flow/estimator.h"
#include "motioncue/flow/flow_cache.h"
#include "motioncue/flow/oracle.h"
#include "motioncue/flow/oracle_eval.h"
#include "motioncue/flow/pair_flow.h"
#include "motioncue/flow/sampling.h"
#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/crop.h"
#include "motioncue/model/network.h"

namespace motioncue::eval {
namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

bool inside(const cv::Point2d& p, int resolution) {
  return p.x >= 0 && p.y >= 0 && p.x < resolution && p.y < resolution;
}

double mean(const std::vector<double>& v) {
  if (v.empty()) return kNoValue;
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

double median(std::vector<double> v) {
  if (v.empty()) return kNoValue;
  const auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

// The ground-truth 2D evaluation joints of one frame in full-frame pixels, and their visibility:
// joints2d when the sequence has it, else joints3d through the stored intrinsics.
struct FrameJoints {
  std::vector<cv::Point2d> points;
  std::vector<bool> visible;
};

bool has_2d_truth(const data::SequenceAnnotations& a) {
  return !a.joints2d.empty() || (!a.joints3d.empty() && !a.focal.empty() && !a.principal.empty());
}

FrameJoints frame_joints(const data::SequenceAnnotations& a, std::int64_t t) {
  FrameJoints f;
  for (std::int64_t j = 0; j < kEvalJoints; ++j) {
    const std::size_t k = std::size_t((t * 24 + j) * 3);
    if (!a.joints2d.empty()) {
      f.points.emplace_back(a.joints2d[k], a.joints2d[k + 1]);
      f.visible.push_back(a.joints2d[k + 2] > 0.5f);
    } else {
      geometry::PinholeCamera cam;
      cam.fx = a.focal[std::size_t(2 * t)];
      cam.fy = a.focal[std::size_t(2 * t + 1)];
      cam.cx = a.principal[std::size_t(2 * t)];
      cam.cy = a.principal[std::size_t(2 * t + 1)];
      const cv::Vec3d x(a.joints3d[k], a.joints3d[k + 1], a.joints3d[k + 2]);
      f.points.push_back(geometry::project(cam, x));
      f.visible.push_back(x[2] > 0);
    }
  }
  return f;
}

// Crops -> the network's 14 evaluation joints, projected with its weak-perspective camera, in
// crop pixels (the projection the keypoint loss uses).
std::vector<std::vector<cv::Point2d>> predict_joints(const model::PoseNetwork& network,
                                                     const body::BodyModel& body,
                                                     const std::vector<cv::Mat>& crops,
                                                     int resolution) {
  std::vector<at::Tensor> inputs;
  inputs.reserve(crops.size());
  for (const auto& c : crops) inputs.push_back(data::to_network_input(c));
  const model::Prediction p = network.forward(torch::stack(inputs).to(network.device()));
  const body::BodyOutput out = body.forward(p.rotmats, p.betas);
  const at::Tensor uv =
      geometry::weak_perspective_project(out.keypoints.slice(1, 0, kEvalJoints),
                                         p.cam.to(out.keypoints.scalar_type()), resolution)
          .to(torch::kFloat64)
          .cpu()
          .contiguous();
  const double* d = uv.data_ptr<double>();
  std::vector<std::vector<cv::Point2d>> joints(crops.size());
  for (std::size_t i = 0; i < crops.size(); ++i)
    for (std::int64_t j = 0; j < kEvalJoints; ++j) {
      const std::size_t k = (i * std::size_t(kEvalJoints) + std::size_t(j)) * 2;
      joints[i].emplace_back(d[k], d[k + 1]);
    }
  return joints;
}

std::string format_px(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

PairMotionErrors motion_errors(const PairJoints& joints, const cv::Mat& flow) {
  const std::size_t k = joints.gt1.size();
  if (joints.gt2.size() != k || joints.pred1.size() != k || joints.pred2.size() != k ||
      joints.visible.size() != k)
    throw Error("motion study: the joint lists of a pair differ in length")
        .expected(std::to_string(k) + " (as gt1) for gt2, pred1, pred2 and visible")
        .found(std::to_string(joints.gt2.size()) + ", " + std::to_string(joints.pred1.size()) +
               ", " + std::to_string(joints.pred2.size()) + ", " +
               std::to_string(joints.visible.size()));
  if (flow.empty() || flow.type() != CV_32FC2 || flow.rows != flow.cols)
    throw Error("motion study: the flow must be a square CV_32FC2 field in crop pixels")
        .found(std::to_string(flow.cols) + "x" + std::to_string(flow.rows) + " type " +
               std::to_string(flow.type()));
  const int r = flow.cols;
  PairMotionErrors e;
  for (std::size_t j = 0; j < k; ++j) {
    if (!joints.visible[j]) {
      ++e.not_visible;
      continue;
    }
    const cv::Point2d a = joints.gt1[j], b = joints.gt2[j];
    if (!inside(a, r) || !inside(b, r)) {
      ++e.outside;
      continue;
    }
    // flow::sample_flow takes array coordinates (pixel centres at integers).
    const cv::Vec2f f = flow::sample_flow(flow, a.x - 0.5, a.y - 0.5);
    if (!std::isfinite(f[0]) || !std::isfinite(f[1])) {
      ++e.no_flow;
      continue;
    }
    const cv::Point2d motion = b - a;
    const cv::Point2d predicted = joints.pred2[j] - joints.pred1[j];
    e.flow_error.push_back(cv::norm(cv::Point2d(f[0], f[1]) - motion));
    e.network_error.push_back(cv::norm(predicted - motion));
    e.gt_motion.push_back(cv::norm(motion));
  }
  return e;
}

GapSummary summarize_gap(int gap, const std::vector<PairMotionErrors>& pairs) {
  GapSummary s;
  s.gap = gap;
  s.pairs = std::int64_t(pairs.size());
  std::vector<double> flow, net, motion;
  for (const auto& p : pairs) {
    flow.insert(flow.end(), p.flow_error.begin(), p.flow_error.end());
    net.insert(net.end(), p.network_error.begin(), p.network_error.end());
    motion.insert(motion.end(), p.gt_motion.begin(), p.gt_motion.end());
    s.not_visible += p.not_visible;
    s.outside += p.outside;
    s.no_flow += p.no_flow;
  }
  s.samples = std::int64_t(flow.size());
  s.flow_error_px = mean(flow);
  s.network_error_px = mean(net);
  s.flow_error_median_px = median(flow);
  s.network_error_median_px = median(net);
  s.gt_motion_px = mean(motion);
  s.ratio =
      s.samples > 0 && s.network_error_px > 0 ? s.flow_error_px / s.network_error_px : kNoValue;
  return s;
}

std::vector<std::pair<std::int64_t, std::int64_t>> study_pairs(
    const std::vector<std::int64_t>& sequence_frames, int gap) {
  if (gap < 1)
    throw Error("motion study: a frame gap must be at least 1").found(std::to_string(gap));
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  for (std::size_t s = 0; s < sequence_frames.size(); ++s)
    for (std::int64_t t = 0; t + gap < sequence_frames[s]; ++t)
      pairs.emplace_back(std::int64_t(s), t);
  return pairs;
}

std::vector<int> parse_gaps(const std::string& text) {
  std::vector<int> gaps;
  std::set<int> seen;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto value = parse_integer(item);
    if (!value || *value < 1 || *value > 1000000)
      throw Error("a frame gap must be a positive integer")
          .key("gaps")
          .found("'" + item + "' in '" + text + "'");
    const int gap = static_cast<int>(*value);
    if (!seen.insert(gap).second)
      throw Error("a frame gap is listed twice").key("gaps").found(std::to_string(gap));
    gaps.push_back(gap);
  }
  if (gaps.empty()) throw Error("no frame gap given").key("gaps").expected("e.g. 1,3,5,7");
  return gaps;
}

MotionStudyResult run_motion_study(const model::PoseNetwork& network, const body::BodyModel& body,
                                   const data::VideoDataset& dataset,
                                   const MotionStudyOptions& options) {
  const std::string split = dataset.split_dir().string();
  if (options.gaps.empty()) throw Error("motion study: no frame gap given").key("gaps");
  if (options.resolution < 8 || options.resolution > 4096)
    throw Error("motion study: crop resolution out of range")
        .expected("8..4096")
        .found(std::to_string(options.resolution));
  if (options.batch_size < 1)
    throw Error("motion study: batch size must be positive")
        .found(std::to_string(options.batch_size));
  std::vector<std::int64_t> lengths;
  for (std::int64_t s = 0; s < dataset.num_sequences(); ++s) {
    if (!has_2d_truth(dataset.annotations(s)))
      throw Error(
          "motion study needs ground-truth 2D joints (joints2d, or joints3d with focal "
          "and principal)")
          .file((dataset.sequence_dir(s) / "annotations.npz").string())
          .key("joints2d");
    lengths.push_back(dataset.num_frames(s));
  }
  std::vector<int> pair_counts;  // per gap
  std::int64_t total_pairs = 0;
  for (int g : options.gaps) {
    pair_counts.push_back(int(study_pairs(lengths, g).size()));
    total_pairs += pair_counts.back();
  }
  if (total_pairs == 0)
    throw Error("motion study: no frame pair for any gap (every sequence is too short)")
        .file(split)
        .expected("a sequence longer than the smallest gap");

  const bool oracle = flow::is_oracle_flow(options.estimator);
  std::unique_ptr<flow::FlowEstimator> estimator;
  std::unique_ptr<flow::FlowCache> cache;
  if (!oracle) {
    estimator = flow::make_flow_estimator(options.estimator);
    if (!options.flow_cache_dir.empty())
      cache = std::make_unique<flow::FlowCache>(options.flow_cache_dir);
  }

  torch::NoGradGuard no_grad;
  const int r = options.resolution;
  const std::size_t ngaps = options.gaps.size();
  std::vector<std::vector<PairMotionErrors>> errors(ngaps);
  Progress progress("motion study", total_pairs, "pair");
  // Frames t .. t + max gap are cropped with frame t's box; this many frames t per network call.
  const std::int64_t block =
      std::max<std::int64_t>(1, options.batch_size / std::int64_t(ngaps + 1));

  for (std::int64_t s = 0; s < dataset.num_sequences(); ++s) {
    const std::int64_t T = lengths[std::size_t(s)];
    const auto& ann = dataset.annotations(s);
    std::map<std::int64_t, cv::Mat> frames;  // decoded on demand, dropped once behind
    const auto frame = [&](std::int64_t t) -> const cv::Mat& {
      auto it = frames.find(t);
      if (it == frames.end()) it = frames.emplace(t, dataset.frame(s, t)).first;
      return it->second;
    };
    std::vector<FrameJoints> truth;
    for (std::int64_t t = 0; t < T; ++t) truth.push_back(frame_joints(ann, t));

    for (std::int64_t t0 = 0; t0 < T; t0 += block) {
      frames.erase(frames.begin(), frames.lower_bound(t0));
      const std::int64_t t_end = std::min(T, t0 + block);
      // Crops (t, t2): frame t2 in frame t's box; t2 = t is the first frame of every pair.
      std::vector<std::pair<std::int64_t, std::int64_t>> keys;
      std::vector<cv::Mat> crops;
      for (std::int64_t t = t0; t < t_end; ++t) {
        const geometry::PersonBox box = dataset.box(s, t);
        bool any = false;
        for (int g : options.gaps)
          if (t + g < T) {
            if (!any) {
              keys.emplace_back(t, t);
              crops.push_back(geometry::crop_image(frame(t), box, r));
              any = true;
            }
            keys.emplace_back(t, t + g);
            crops.push_back(geometry::crop_image(frame(t + g), box, r));
          }
      }
      if (crops.empty()) continue;
      std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> index;
      for (std::size_t i = 0; i < keys.size(); ++i) index[keys[i]] = i;
      std::vector<std::vector<cv::Point2d>> pred;
      for (std::size_t i = 0; i < crops.size(); i += std::size_t(options.batch_size)) {
        const std::size_t end = std::min(crops.size(), i + std::size_t(options.batch_size));
        const std::vector<cv::Mat> chunk(crops.begin() + std::ptrdiff_t(i),
                                         crops.begin() + std::ptrdiff_t(end));
        auto p = predict_joints(network, body, chunk, r);
        pred.insert(pred.end(), p.begin(), p.end());
      }

      for (std::int64_t t = t0; t < t_end; ++t) {
        const geometry::PersonBox box = dataset.box(s, t);
        const cv::Matx23d affine = geometry::crop_affine(box, r);
        for (std::size_t gi = 0; gi < ngaps; ++gi) {
          const int g = options.gaps[gi];
          const std::int64_t t2 = t + g;
          if (t2 >= T) continue;
          PairJoints pj;
          pj.pred1 = pred[index.at({t, t})];
          pj.pred2 = pred[index.at({t, t2})];
          for (std::int64_t j = 0; j < kEvalJoints; ++j) {
            const std::size_t jj = std::size_t(j);
            pj.gt1.push_back(geometry::apply_affine(affine, truth[std::size_t(t)].points[jj]));
            pj.gt2.push_back(geometry::apply_affine(affine, truth[std::size_t(t2)].points[jj]));
            pj.visible.push_back(truth[std::size_t(t)].visible[jj] &&
                                 truth[std::size_t(t2)].visible[jj]);
          }
          cv::Mat flow;
          if (oracle) {
            flow = flow::crop_flow(
                flow::ground_truth_flow_over_gap(dataset.sequence_dir(s), int(t), g), box, r);
          } else {
            const auto compute = [&] {
              return estimator->compute(crops[index.at({t, t})], crops[index.at({t, t2})]);
            };
            // Forward only: the entry compute_pair_flow and `motioncue flow --data` use.
            flow = cache
                       ? cache->get_or_compute(
                             {dataset.frame_path(s, t).string(), dataset.frame_path(s, t2).string(),
                              flow::crop_key(box, r), estimator->config_key(), true},
                             compute)
                       : compute();
          }
          errors[gi].push_back(motion_errors(pj, flow));
          progress.advance();
        }
      }
    }
  }
  progress.finish();

  MotionStudyResult result;
  result.estimator = options.estimator;
  result.split = split;
  result.resolution = r;
  for (std::size_t gi = 0; gi < ngaps; ++gi) {
    const int g = options.gaps[gi];
    GapSummary summary = summarize_gap(g, errors[gi]);
    if (pair_counts[gi] == 0) {
      summary.skipped = "no sequence has more than " + std::to_string(g) + " frames";
      spdlog::warn("motion study: gap {} skipped: {}", g, summary.skipped);
    }
    result.gaps.push_back(summary);
  }
  return result;
}

nlohmann::json to_json(const MotionStudyResult& result) {
  nlohmann::json j;
  j["experiment"] = "E5: optical flow vs the network's own 2D motion estimate";
  j["estimator"] = result.estimator;
  j["split"] = result.split;
  j["resolution"] = result.resolution;
  j["units"] = "pixels of frame t's crop at the network's resolution";
  nlohmann::json gaps = nlohmann::json::array();
  for (const auto& g : result.gaps) {
    nlohmann::json e;
    e["gap"] = g.gap;
    e["pairs"] = g.pairs;
    e["samples"] = g.samples;
    e["flow_error_px"] = number_or_null(g.flow_error_px);
    e["network_error_px"] = number_or_null(g.network_error_px);
    e["ratio_flow_over_network"] = number_or_null(g.ratio);
    e["flow_error_median_px"] = number_or_null(g.flow_error_median_px);
    e["network_error_median_px"] = number_or_null(g.network_error_median_px);
    e["gt_motion_px"] = number_or_null(g.gt_motion_px);
    e["left_out"] = {
        {"not_visible", g.not_visible}, {"outside_crop", g.outside}, {"no_flow", g.no_flow}};
    if (!g.skipped.empty()) e["skipped"] = g.skipped;
    gaps.push_back(e);
  }
  j["gaps"] = gaps;
  return j;
}

void write_motion_study(const std::filesystem::path& file, const MotionStudyResult& result) {
  write_file_atomic(file, to_json(result).dump(2) + "\n");
}

std::string motion_study_table(const MotionStudyResult& result) {
  std::ostringstream out;
  out << "| gap | flow error (px) | network error (px) | flow / network | GT motion (px) | joints "
         "|\n";
  out << "|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& g : result.gaps) {
    out << "| " << g.gap << " | ";
    if (!g.skipped.empty()) {
      out << "skipped: " << g.skipped << " | | | | 0 |\n";
      continue;
    }
    out << format_px(g.flow_error_px) << " | " << format_px(g.network_error_px) << " | "
        << format_px(g.ratio) << " | " << format_px(g.gt_motion_px) << " | " << g.samples << " |\n";
  }
  return out.str();
}

}  // namespace motioncue::eval
