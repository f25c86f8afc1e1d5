// motioncue temporal: the temporal context (train, eval) and the smoothing alternatives
// (One-Euro filter, sequence optimiser) of docs/METHOD.md section 6, scored like `motioncue eval`.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/distributed/process_group.h"
#include "motioncue/eval/evaluator.h"
#include "motioncue/eval/metrics.h"
#include "motioncue/eval/table.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/temporal/context_checkpoint.h"
#include "motioncue/temporal/sequence_predictor.h"
#include "motioncue/temporal/smoothing.h"
#include "motioncue/temporal/streaming.h"
#include "motioncue/train/defaults.h"
#include "motioncue/train/options.h"
#include "motioncue/train/run_setup.h"
#include "motioncue/train/trainers.h"
#include "motioncue/viz/plot.h"
#include "verb.h"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>

namespace {

namespace fs = std::filesystem;
namespace mc = motioncue;

struct TemporalEvalOptions {
  std::string checkpoint, context, data, split = "test", out, predictions, device = "auto", filter;
  mc::cli::BodyFiles body;
  int batch_size = 32;
  mc::temporal::OneEuroOptions one_euro;
  bool optimise = false;
  mc::temporal::SequenceOptimiserOptions optimiser;
};

fs::path split_dir(const std::string& data, const std::string& split) {
  fs::path dir = data;
  return fs::is_directory(dir / split) ? dir / split : dir;
}

void add_train(CLI::App& app) {
  auto* sub = app.add_subcommand("train", "Train the temporal context on unlabeled video");
  mc::cli::add_training_verb(
      *sub,
      {"temporal train",
       mc::train::kTemporalDefaults,
       {{"--init", "init", "network checkpoint the context serves"},
        {"--data", "data", "benchmark root (unlabeled, val and labeled splits under it)"},
        {"--seed", "seed", "seed"},
        {"--device", "device", "auto, cpu or cuda"},
        {"--body-model", "body_model", "body model file (default: the built-in open body model)"},
        {"--keypoint-regressor", "keypoint_regressor", "keypoint regressor .npy for --body-model"},
        {"--frames", "temporal.frames", "k, context frames"},
        {"--steps", "temporal.steps", "training steps"},
        {"--batch-size", "temporal.batch_size", "clips per step"},
        {"--lr-context", "temporal.lr_context", "context network learning rate"},
        {"--lr-network", "temporal.lr_network", "image network learning rate (0 = frozen)"},
        {"--w-flow,--flow-weight", "temporal.w_flow", "weight of the forward flow term"},
        {"--context-anchor", "temporal.context_anchor",
         "weight of the pull towards the single-frame prediction"},
        {"--flow", "temporal.flow", "flow estimator name, or oracle"},
        {"--flow-cache", "temporal.flow_cache", "flow cache folder (default <data>/.flow_cache)"}},
       [](const mc::Config& config) { mc::train::TemporalOptions::from_config(config).check(); },
       mc::train::run_temporal_training});
}

void add_eval(CLI::App& app) {
  auto o = std::make_shared<TemporalEvalOptions>();
  auto* sub = app.add_subcommand(
      "eval", "Score the network with temporal context, the One-Euro filter or the optimiser");
  sub->add_option("--checkpoint", o->checkpoint, "network checkpoint")->required();
  sub->add_option("--context", o->context,
                  "context checkpoint (a temporal run's best_context.pt); none: single frame");
  sub->add_option("--data", o->data, "benchmark root, or a split folder")->required();
  sub->add_option("--split", o->split, "split under the benchmark root");
  sub->add_option("--out", o->out, "result JSON")->required();
  sub->add_option("--save-predictions", o->predictions, ".npz of joints as `motioncue eval`");
  sub->add_option("--filter", o->filter, "post-hoc filter: one-euro")
      ->check(CLI::IsMember({"one-euro"}));
  sub->add_option("--min-cutoff", o->one_euro.min_cutoff, "One-Euro min cutoff (Hz)");
  sub->add_option("--beta", o->one_euro.beta, "One-Euro speed coefficient");
  sub->add_option("--d-cutoff", o->one_euro.d_cutoff, "One-Euro derivative cutoff (Hz)");
  sub->add_flag(
      "--no-trend", [o](std::int64_t) { o->one_euro.trend = false; },
      "Casiez's original One-Euro (lags on motion)");
  sub->add_flag("--optimise", o->optimise, "optimise each sequence (smoothness + anchor)");
  sub->add_option("--opt-iterations", o->optimiser.iterations, "optimiser iterations");
  sub->add_option("--opt-lr", o->optimiser.lr, "optimiser Adam learning rate");
  sub->add_option("--opt-smooth", o->optimiser.smooth_weight, "smoothness weight");
  sub->add_option("--opt-anchor", o->optimiser.anchor_weight, "anchor weight");
  sub->add_option("--batch-size", o->batch_size, "frames per batch");
  mc::cli::add_body_options(*sub, o->body);
  sub->add_option("--device", o->device, "auto, cpu or cuda");
  sub->callback([o] {
    const auto device = mc::train::resolve_device(o->device);
    const auto body = mc::train::load_body_model(o->body.model, device, o->body.keypoint_regressor);
    const auto loaded = mc::model::load_for_inference(o->checkpoint, body);
    const auto& network = *loaded.network;
    const auto dataset = mc::data::VideoDataset::open(split_dir(o->data, o->split));
    std::unique_ptr<mc::temporal::ContextNetwork> context;
    if (!o->context.empty()) {
      context = std::make_unique<mc::temporal::ContextNetwork>(
          mc::temporal::load_context(o->context).network);
      context->to(device);
    }
    mc::eval::Predictor predictor = context ? mc::temporal::context_predictor(network, *context)
                                            : mc::eval::single_frame_predictor(network);
    const int resolution = network.config().resolution;
    if (o->optimise)
      predictor = mc::temporal::optimised_predictor(predictor, body, dataset, resolution,
                                                    o->batch_size, o->optimiser);
    if (o->filter == "one-euro")
      predictor = mc::temporal::filtered_predictor(predictor, o->one_euro, dataset.fps(0));
    mc::eval::EvalOptions eo;
    eo.resolution = resolution;
    eo.batch_size = o->batch_size;
    eo.keep_predictions = !o->predictions.empty();
    const auto r = mc::eval::evaluate(predictor, body, dataset, eo);
    mc::eval::write_result_json(o->out, r);
    if (!o->predictions.empty()) mc::eval::write_predictions(o->predictions, r);
    auto rows = r.per_sequence;
    rows.emplace_back("all", r.overall);
    std::cout << mc::eval::metrics_table(rows);
  });
}

// The One-Euro filter's accuracy/smoothness trade-off on the ground-truth joints of a split with
// added Gaussian jitter of known size: what the filter can and cannot undo, without a network.
void add_filter_study(CLI::App& app) {
  struct Options {
    std::string data, split = "test", out;
    double noise_mm = 10.0;
    std::uint64_t seed = 0;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("filter-study",
                                 "One-Euro trade-off on ground-truth joints with added jitter");
  sub->add_option("--data", o->data, "benchmark root, or a split folder")->required();
  sub->add_option("--split", o->split, "split under the benchmark root");
  sub->add_option("--out", o->out, "result JSON")->required();
  sub->add_option("--noise-mm", o->noise_mm, "standard deviation of the jitter per coordinate");
  sub->add_option("--seed", o->seed, "seed of the jitter");
  sub->callback([o] {
    const auto dataset = mc::data::VideoDataset::open(split_dir(o->data, o->split));
    if (!dataset.has_ground_truth())
      throw mc::Error("filter-study needs ground-truth joints").file(dataset.split_dir().string());
    torch::manual_seed(o->seed);
    std::vector<at::Tensor> gt, noisy;
    std::vector<std::int64_t> ids;
    std::vector<double> fps;
    for (std::int64_t s = 0; s < dataset.num_sequences(); ++s) {
      const auto& a = dataset.annotations(s);
      auto joints = torch::tensor(a.joints3d).reshape({a.frames, 24, 3}).slice(1, 0, 14);
      gt.push_back(joints);
      noisy.push_back(joints + torch::randn_like(joints) * (o->noise_mm / 1000.0));
      ids.insert(ids.end(), static_cast<size_t>(a.frames), s);
      fps.push_back(dataset.fps(s));
    }
    const auto gt_all = torch::cat(gt);
    nlohmann::json rows = nlohmann::json::array();
    auto score = [&](const std::string& name, const std::vector<at::Tensor>& pred,
                     const nlohmann::json& settings) {
      const auto p = torch::cat(pred);
      const double pa = mc::eval::pa_mpjpe(p, gt_all).mean().item<double>();
      const double accel = mc::eval::acceleration_error(p, gt_all, ids);
      rows.push_back(
          {{"name", name}, {"settings", settings}, {"pa_mpjpe_mm", pa}, {"accel_mm", accel}});
      std::cout << fmt::format("{:<34} PA-MPJPE {:7.2f} mm   accel {:6.2f} mm/frame^2\n", name, pa,
                               accel);
    };
    score("ground truth + jitter (raw)", noisy, nlohmann::json::object());
    for (bool trend : {true, false})
      for (double beta : {0.0, 1.0})
        for (double min_cutoff : {0.5, 1.0, 2.0, 4.0, 8.0}) {
          mc::temporal::OneEuroOptions f;
          f.min_cutoff = min_cutoff, f.beta = beta, f.trend = trend;
          std::vector<at::Tensor> filtered;
          for (size_t s = 0; s < noisy.size(); ++s)
            filtered.push_back(mc::temporal::one_euro_sequence(noisy[s], f, fps[s]));
          score(fmt::format("one-euro{} min_cutoff {} beta {}", trend ? "+trend" : "", min_cutoff,
                            beta),
                filtered, {{"min_cutoff", min_cutoff}, {"beta", beta}, {"trend", trend}});
        }
    mc::write_file_atomic(o->out, nlohmann::json{{"split", dataset.split_dir().string()},
                                                 {"noise_mm", o->noise_mm},
                                                 {"seed", o->seed},
                                                 {"rows", rows}}
                                          .dump(2) +
                                      "\n");
  });
}

// Acceleration error along one sequence for several prediction files (from --save-predictions):
// the per-frame curve of E2's figure.
void add_plot_accel(CLI::App& app) {
  struct Options {
    std::vector<std::string> predictions, labels;
    std::string sequence, out, title = "Acceleration error along a sequence";
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("plot-accel", "Plot acceleration error along one sequence");
  sub->add_option("--predictions", o->predictions, "prediction .npz files")->required();
  sub->add_option("--labels", o->labels, "one label per file")->required();
  sub->add_option("--sequence", o->sequence, "sequence name")->required();
  sub->add_option("--out", o->out, "PNG")->required();
  sub->add_option("--title", o->title, "plot title");
  sub->callback([o] {
    if (o->labels.size() != o->predictions.size())
      throw mc::Error("one label per predictions file needed")
          .key("--labels")
          .expected(std::to_string(o->predictions.size()))
          .found(std::to_string(o->labels.size()));
    std::vector<mc::viz::Series> series;
    for (size_t i = 0; i < o->predictions.size(); ++i) {
      const auto z = mc::read_npz(o->predictions[i]);
      const auto names = z.at("sequence_names").to_strings();
      const auto it = std::find(names.begin(), names.end(), o->sequence);
      if (it == names.end())
        throw mc::Error("sequence not in the predictions").file(o->predictions[i]).key(o->sequence);
      const auto id = static_cast<std::int64_t>(it - names.begin());
      const auto seq = z.at("sequence").to_i64();
      const auto frame = z.at("frame").to_i64();
      const auto t_count = static_cast<std::int64_t>(seq.size());
      auto pred = torch::tensor(z.at("pred_joints").to_f32()).reshape({t_count, 14, 3});
      auto gt = torch::tensor(z.at("gt_joints").to_f32()).reshape({t_count, 14, 3});
      std::vector<std::int64_t> rows;
      for (std::int64_t r = 0; r < t_count; ++r)
        if (seq[static_cast<size_t>(r)] == id) rows.push_back(r);
      auto index = torch::tensor(rows);
      // The files hold millimetres; the metric takes metres.
      auto accel = mc::eval::acceleration_errors(pred.index_select(0, index) / 1000.0,
                                                 gt.index_select(0, index) / 1000.0,
                                                 std::vector<std::int64_t>(rows.size(), 0));
      mc::viz::Series s{o->labels[i], {}, {}};
      for (std::int64_t m = 0; m < accel.size(0); ++m) {
        s.x.push_back(
            static_cast<double>(frame[static_cast<size_t>(rows[static_cast<size_t>(m + 1)])]));
        s.y.push_back(accel[m].item<double>());
      }
      series.push_back(std::move(s));
    }
    const auto image = mc::viz::line_plot(series, o->title + " (" + o->sequence + ")", "frame",
                                          "acceleration error (mm/frame^2)");
    if (!cv::imwrite(o->out, image)) throw mc::Error("cannot write the plot").file(o->out);
  });
}

mc::cli::VerbRegistration register_temporal(
    "temporal", "Temporal context, One-Euro filter and sequence optimiser", [](CLI::App& app) {
      add_train(app);
      add_eval(app);
      add_filter_study(app);
      add_plot_accel(app);
      app.require_subcommand(1);
    });

}  // namespace
