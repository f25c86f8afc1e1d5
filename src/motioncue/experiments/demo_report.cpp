#include "motioncue/experiments/demo_report.h"
#include "motioncue/flow/flow_cache.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include <opencv2/core/version.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <map>
#include <sstream>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/json_file.h"
#include "motioncue/data/pair_sampler.h"
#include "motioncue/data/sequence_loader.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/experiments/experiment_runner.h"
#include "motioncue/flow/visualize.h"
#include "motioncue/geometry/camera.h"
#include "motioncue/geometry/ground_truth_flow.h"
#include "motioncue/geometry/overlay.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/train/curve_log.h"
#include "motioncue/viz/html_report.h"
#include "motioncue/viz/plot.h"

namespace fs = std::filesystem;

namespace motioncue::experiments {
namespace {

constexpr int kShow = 192;  // display size of crops in the report

const std::vector<std::string> kArmOrder = {"baseline", "control", "flow", "texture", "both"};

// Normalised network input (3 x R x R) back to a BGR image.
cv::Mat to_bgr(const at::Tensor& image) {
  const at::Tensor mean = torch::tensor({0.485f, 0.456f, 0.406f}).view({3, 1, 1});
  const at::Tensor std = torch::tensor({0.229f, 0.224f, 0.225f}).view({3, 1, 1});
  const at::Tensor rgb = ((image.cpu().to(torch::kFloat) * std + mean).clamp(0, 1) * 255)
                             .to(torch::kUInt8)
                             .permute({1, 2, 0})
                             .contiguous();
  cv::Mat m(static_cast<int>(rgb.size(0)), static_cast<int>(rgb.size(1)), CV_8UC3,
            rgb.data_ptr<uint8_t>());
  cv::Mat bgr;
  cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

struct Networks {
  std::map<std::string, std::unique_ptr<model::PoseNetwork>> by_arm;
};

Networks load_networks(const ExperimentResult& result, const body::BodyModel& body) {
  Networks n;
  for (const auto& r : result.runs) {
    if (n.by_arm.count(r.arm)) continue;
    auto loaded = model::load_for_inference(r.dir / "best.ckpt", body);
    n.by_arm[r.arm] = std::move(loaded.network);
  }
  return n;
}

// Screen coordinates (u, v, depth) of the predicted meshes at `resolution`, one row per image.
at::Tensor predict_screen(const model::PoseNetwork& net, const body::BodyModel& body,
                          const at::Tensor& images, int resolution) {
  torch::NoGradGuard no_grad;
  const auto p = net.forward(images.to(net.device()));
  const auto out = body.forward(p.rotmats, p.betas);
  return geometry::weak_perspective_screen(out.vertices, p.cam, resolution)
      .to(torch::kFloat)
      .cpu()
      .contiguous();
}

cv::Mat overlay(const cv::Mat& crop, const at::Tensor& screen_row, const body::BodyModel& body) {
  const at::Tensor faces = body.faces().to(torch::kLong).cpu().contiguous();
  cv::Mat big;
  cv::resize(crop, big, {kShow, kShow}, 0, 0, cv::INTER_LINEAR);
  const double k = static_cast<double>(kShow) / crop.cols;
  at::Tensor s = screen_row.clone();
  s.select(1, 0).mul_(k);
  s.select(1, 1).mul_(k);
  return geometry::overlay_mesh(big, s.data_ptr<float>(), s.size(0), faces.data_ptr<int64_t>(),
                                faces.size(0));
}

cv::Mat hconcat(const std::vector<cv::Mat>& images) {
  cv::Mat out;
  cv::hconcat(images, out);
  return out;
}

void label(cv::Mat& img, const std::string& text) {
  cv::putText(img, text, {6, 18}, cv::FONT_HERSHEY_SIMPLEX, 0.5, {255, 255, 255}, 2, cv::LINE_AA);
  cv::putText(img, text, {6, 18}, cv::FONT_HERSHEY_SIMPLEX, 0.5, {20, 20, 20}, 1, cv::LINE_AA);
}

std::string machine_text() {
  utsname u{};
  uname(&u);
  return fmt::format("{} {} {}, {} cores; LibTorch {}, OpenCV {}", u.sysname, u.release, u.machine,
                     sysconf(_SC_NPROCESSORS_ONLN), TORCH_VERSION, CV_VERSION);
}

}  // namespace

std::vector<std::pair<std::string, std::pair<std::vector<double>, std::vector<double>>>>
read_curves(const fs::path& csv) {
  const train::CurveTable table = train::read_curve_table(csv);
  std::vector<std::pair<std::string, std::pair<std::vector<double>, std::vector<double>>>> cols;
  for (const auto& name : table.columns) {
    std::pair<std::vector<double>, std::vector<double>> points;
    for (const auto& row : table.rows)
      if (const auto it = row.values.find(name); it != row.values.end()) {
        points.first.push_back(static_cast<double>(row.step));
        points.second.push_back(it->second);
      }
    cols.push_back({name, std::move(points)});
  }
  return cols;
}

void write_demo_report(const DemoReportInput& in) {
  const auto summaries = summarise(in.result);
  viz::Report report("motioncue demo: motion cues in a low-data regime");
  const std::int64_t labeled = in.result.spec.labeled_counts.front();
  report.paragraph(fmt::format(
      "A single-image network trained on {} labeled synthetic images (baseline) is refined on "
      "unlabeled videos by making the flow implied by its predictions on consecutive frames "
      "consistent with optical flow (flow), with TexturePose colour consistency (texture), with "
      "both, or with the supervised loss alone for the same number of steps (control). All "
      "numbers are on the held-out test videos; models were selected on the validation videos.",
      labeled));

  // Results table.
  report.heading("Results (test split)");
  std::vector<std::vector<std::string>> rows;
  nlohmann::json arms_json;
  fs::create_directories(in.out / "predictions");
  for (const auto& s : summaries) {
    const auto& f = s.facing_mean;
    rows.push_back(
        {s.arm, fmt::format("{:.1f}", s.mean.pa_mpjpe), fmt::format("{:.1f}", s.mean.mpjpe),
         std::isnan(f.mpjpe_rot) ? "-" : fmt::format("{:.1f}", f.mpjpe_rot),
         std::isnan(f.facing_wrong) ? "-" : fmt::format("{:.0f} %", 100 * f.facing_wrong),
         fmt::format("{:.1f}", s.mean.pve), fmt::format("{:.2f}", s.mean.accel),
         s.arm == "baseline" ? "" : fmt::format("{:+.1f} %", s.change_vs_baseline),
         (s.arm == "baseline" || s.arm == "control")
             ? ""
             : fmt::format("{:+.1f} %", s.change_vs_control)});
    arms_json[s.arm] = {{"pa_mpjpe", s.mean.pa_mpjpe},
                        {"mpjpe", s.mean.mpjpe},
                        {"pve", s.mean.pve},
                        {"accel", s.mean.accel},
                        {"mpjpe_rot", s.facing_mean.mpjpe_rot},
                        {"facing_wrong", s.facing_mean.facing_wrong},
                        {"facing_away", s.facing_mean.facing_away},
                        {"facing_away_gt", s.facing_mean.facing_away_gt},
                        {"predictions", "predictions/" + s.arm + ".npz"}};
  }
  for (const auto& r : in.result.runs)
    fs::copy_file(r.dir / "test_predictions.npz", in.out / "predictions" / (r.arm + ".npz"),
                  fs::copy_options::overwrite_existing);
  report.table({"arm", "PA-MPJPE (mm)", "MPJPE (mm)", "MPJPE-R (mm)", "facing wrong", "PVE (mm)",
                "accel (mm/f²)", "vs baseline", "vs control"},
               rows);
  report.paragraph(
      "Relative changes are of PA-MPJPE. MPJPE-R is MPJPE with only the best global rotation "
      "removed (no scale): a network that turns the body the wrong way round raises MPJPE and "
      "facing wrong (the share of frames whose predicted facing is more than 90 degrees from the "
      "truth's) while PA-MPJPE hides it. Predictions per arm (pred_joints, gt_joints "
      "in mm, sequence, frame) are in predictions/<arm>.npz.");

  // Curves.
  report.heading("Training curves");
  std::vector<viz::Series> val_series, loss_series;
  // Facing diagnostics (curves.csv of runs made before they existed lack the columns: no plot).
  std::vector<viz::Series> rot_series, wrong_series, away_series;
  viz::Series away_truth;
  const auto percent = [](std::vector<double> v) {
    for (double& x : v) x *= 100.0;
    return v;
  };
  std::map<std::string, fs::path> dirs;
  for (const auto& r : in.result.runs) dirs[r.arm] = r.dir;
  for (const auto& arm : kArmOrder) {
    if (!dirs.count(arm) || !fs::exists(dirs[arm] / "curves.csv")) continue;
    for (auto& [col, xy] : read_curves(dirs[arm] / "curves.csv")) {
      if (col == "val_pa_mpjpe" && arm != "baseline")
        val_series.push_back({arm, xy.first, xy.second});
      if (col == "val_mpjpe_rot" && arm != "baseline")
        rot_series.push_back({arm, xy.first, xy.second});
      if (col == "val_facing_wrong" && arm != "baseline")
        wrong_series.push_back({arm, xy.first, percent(xy.second)});
      if (col == "val_facing_away" && arm != "baseline")
        away_series.push_back({arm, xy.first, percent(xy.second)});
      // The truth's share is the same for every arm: drawn once, after the arms.
      if (col == "val_facing_away_gt" && arm != "baseline" && away_truth.x.empty())
        away_truth = {"truth", xy.first, percent(xy.second)};
      if (col == "loss" && arm == "baseline")
        loss_series.push_back({"baseline loss", xy.first, xy.second});
      if (col == "flow" && (arm == "flow" || arm == "both"))
        loss_series.push_back({arm + ": flow term", xy.first, xy.second});
    }
  }
  if (dirs.count("baseline")) {
    for (auto& [col, xy] : read_curves(dirs["baseline"] / "curves.csv"))
      if (col == "val_pa_mpjpe")
        report.image(viz::line_plot({{"baseline", xy.first, xy.second}},
                                    "Baseline training: validation PA-MPJPE", "step", "mm"),
                     "baseline_val.png", "Baseline: validation PA-MPJPE during training");
  }
  if (!val_series.empty())
    report.image(viz::line_plot(val_series, "Refinement: validation PA-MPJPE", "step", "mm"),
                 "refine_val.png", "Validation PA-MPJPE during refinement (step 0 = the baseline)");
  if (!wrong_series.empty())
    report.image(viz::line_plot(wrong_series, "Refinement: validation facing wrong", "step", "%"),
                 "refine_facing_wrong.png",
                 "Validation frames whose predicted facing is more than 90 degrees from the "
                 "truth's, during refinement: a collapse of the frames to one facing shows here");
  if (!away_truth.x.empty()) away_series.push_back(away_truth);
  if (!away_series.empty())
    report.image(
        viz::line_plot(away_series, "Refinement: validation frames facing away", "step", "%"),
        "refine_facing_away.png",
        "Validation frames predicted to face away from the camera, and the truth's share");
  if (!rot_series.empty())
    report.image(viz::line_plot(rot_series, "Refinement: validation MPJPE-R", "step", "mm"),
                 "refine_val_rot.png",
                 "Validation MPJPE with only the global rotation removed, during refinement");
  for (auto& s : loss_series)
    report.image(viz::line_plot({s}, s.name, "step", "loss"),
                 "curve_" + std::to_string(&s - &loss_series[0]) + ".png", s.name);

  // Per-joint errors.
  report.heading("Per-joint error (MPJPE after pelvis alignment)");
  static const std::vector<std::string> kJoints = {
      "R ankle", "R knee",     "R hip",      "L hip",   "L knee",  "L ankle", "R wrist",
      "R elbow", "R shoulder", "L shoulder", "L elbow", "L wrist", "neck",    "head"};
  std::vector<viz::Series> joint_groups;
  for (const auto& arm : kArmOrder) {
    if (!dirs.count(arm)) continue;
    const auto j = read_json_file(dirs[arm] / "test.json");
    joint_groups.push_back({arm, {}, j.at("per_joint_mm").get<std::vector<double>>()});
  }
  report.image(viz::bar_chart(kJoints, joint_groups, "Per-joint error on the test split", "mm"),
               "per_joint.png", "Per-joint error, mm");

  // Before / after on test frames, and the flow next to the mesh flow.
  const Networks nets = load_networks(in.result, in.body);
  const std::string after = nets.by_arm.count("both") ? "both" : "flow";
  if (nets.by_arm.count("baseline") && nets.by_arm.count(after)) {
    const auto& before_net = *nets.by_arm.at("baseline");
    const auto& after_net = *nets.by_arm.at(after);
    const int res = before_net.config().resolution;
    const auto test = data::VideoDataset::open(in.benchmark / in.result.spec.eval_split);
    data::SequenceLoader loader(test, res, static_cast<int>(test.num_frames(0)));
    data::FrameBatch batch;
    if (loader.next(batch)) {
      const at::Tensor sb = predict_screen(before_net, in.body, batch.images, res);
      const at::Tensor sa = predict_screen(after_net, in.body, batch.images, res);
      report.heading("Before and after refinement (test frames)");
      std::vector<cv::Mat> stills, video;
      const int64_t n = batch.images.size(0);
      for (int64_t i = 0; i < n; ++i) {
        const cv::Mat crop = to_bgr(batch.images[i]);
        cv::Mat b = overlay(crop, sb[i], in.body), a = overlay(crop, sa[i], in.body);
        label(b, "baseline");
        label(a, after);
        const cv::Mat pair = hconcat({b, a});
        video.push_back(pair);
        if (i % std::max<int64_t>(1, n / 4) == 0 && stills.size() < 4) stills.push_back(pair);
      }
      cv::Mat grid;
      cv::vconcat(stills, grid);
      report.image(grid, "before_after.png",
                   "Left: baseline; right: refined (" + after + "). Test sequence " +
                       test.sequence_name(0) + ".");
      report.video(video, 15.0, "before_after.webm", "The same test sequence as a clip");
    }
    // Optical flow next to the mesh flow on one unlabeled pair.
    const auto unlabeled = data::VideoDataset::open(in.benchmark / "unlabeled");
    data::PairLoader pairs(unlabeled, 1, res, 1, "dis-medium",
                           flow::default_flow_cache(in.benchmark), false, in.seed, 1);
    const data::PairBatch pb = pairs.next();
    const at::Tensor faces = in.body.faces().to(torch::kLong).cpu().contiguous();
    auto mesh_flow = [&](const model::PoseNetwork& net) {
      const at::Tensor s1 = predict_screen(net, in.body, pb.images1, res)[0].contiguous();
      const at::Tensor s2 = predict_screen(net, in.body, pb.images2, res)[0].contiguous();
      const auto g =
          geometry::ground_truth_flow(s1.data_ptr<float>(), s2.data_ptr<float>(), s1.size(0),
                                      faces.data_ptr<int64_t>(), faces.size(0), res, res, false);
      cv::Mat f = g.flow.clone();
      for (int y = 0; y < f.rows; ++y)
        for (int x = 0; x < f.cols; ++x)
          if (!g.covered.at<uchar>(y, x)) f.at<cv::Vec2f>(y, x) = {NAN, NAN};
      return f;
    };
    const at::Tensor of = pb.flow_fw[0].permute({1, 2, 0}).contiguous().to(torch::kFloat);
    const cv::Mat optical(res, res, CV_32FC2, of.data_ptr<float>());
    float max_mag = 1.0f;
    for (int y = 0; y < res; ++y)
      for (int x = 0; x < res; ++x)
        max_mag = std::max(max_mag, static_cast<float>(cv::norm(optical.at<cv::Vec2f>(y, x))));
    std::vector<cv::Mat> tiles;
    const cv::Mat clean = to_bgr(pb.images1[0]);
    for (const cv::Mat& m : {clean, flow::flow_to_color(optical, max_mag),
                             flow::flow_to_color(mesh_flow(before_net), max_mag),
                             flow::flow_to_color(mesh_flow(after_net), max_mag)}) {
      cv::Mat big;
      cv::resize(m, big, {kShow, kShow}, 0, 0, cv::INTER_NEAREST);
      tiles.push_back(big);
    }
    label(tiles[1], "optical flow");
    label(tiles[2], "mesh flow: baseline");
    label(tiles[3], "mesh flow: " + after);
    report.heading("Optical flow and the flow implied by the meshes");
    report.image(hconcat(tiles), "flow.png",
                 "An unlabeled pair: frame 1, its optical flow (DIS), and the mesh flow of the "
                 "baseline and of the refined network (same colour scale)");
  }

  // Reproducibility.
  report.heading("Run");
  report.paragraph("Command: " + in.command);
  report.paragraph(fmt::format("Seed {}; benchmark {}; machine: {}", in.seed, in.benchmark.string(),
                               machine_text()));
  std::vector<std::vector<std::string>> stage_rows;
  double total = 0;
  for (const auto& [name, secs] : in.timings) {
    stage_rows.push_back({name, fmt::format("{:.1f}", secs)});
    total += secs;
  }
  stage_rows.push_back({"total (before the report)", fmt::format("{:.1f}", total)});
  report.table({"stage", "seconds"}, stage_rows);
  report.heading("Experiment config", 3);
  report.preformatted(in.experiment_yaml);
  report.write(in.out);

  nlohmann::json j;
  j["arms"] = arms_json;
  j["seed"] = in.seed;
  j["labeled"] = labeled;
  j["command"] = in.command;
  j["machine"] = machine_text();
  for (const auto& [name, secs] : in.timings) j["timings"][name] = secs;
  j["report_files"] = report.referenced_files();
  write_file_atomic(in.out / "report.json", j.dump(2) + "\n");
}

}  // namespace motioncue::experiments
