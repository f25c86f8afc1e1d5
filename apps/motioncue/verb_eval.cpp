// motioncue eval: score a checkpoint on a split with MPJPE, PA-MPJPE, PVE and acceleration error.
#include <filesystem>
#include <iostream>
#include <string>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/eval/evaluator.h"
#include "motioncue/eval/table.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/train/run_setup.h"
#include "verb.h"

namespace {

struct EvalOptions {
  std::string checkpoint, data, split = "test", out, predictions, body_model, device = "auto";
  int batch_size = 32;
};

motioncue::cli::VerbRegistration register_eval(
    "eval", "Evaluate a checkpoint on a split of a benchmark", [](CLI::App& app) {
      auto o = std::make_shared<EvalOptions>();
      app.add_option("--checkpoint", o->checkpoint, "network checkpoint")->required();
      app.add_option("--data", o->data, "benchmark root, or a split folder of sequences")
          ->required();
      app.add_option("--split", o->split, "split under the benchmark root (test, val, ...)");
      app.add_option("--out", o->out, "result JSON")->required();
      app.add_option("--save-predictions", o->predictions,
                     ".npz with pred_joints, gt_joints (mm), sequence, frame");
      app.add_option("--body-model", o->body_model, "body model .npz (default: built-in)");
      app.add_option("--device", o->device, "auto, cpu or cuda");
      app.add_option("--batch-size", o->batch_size, "frames per batch");
      app.callback([o] {
        namespace mc = motioncue;
        namespace fs = std::filesystem;
        // Both outputs are checked before minutes of evaluation, so a bad path writes neither.
        for (const auto* out : {&o->out, &o->predictions}) {
          const auto parent = fs::path(*out).parent_path();
          if (!out->empty() && !parent.empty() && !fs::is_directory(parent))
            throw mc::Error("output folder does not exist").file(parent.string());
        }
        fs::path split = o->data;
        if (fs::is_directory(split / o->split)) {
          split /= o->split;
        } else if (fs::exists(split / "benchmark.json")) {
          std::string splits;
          for (const auto& entry : fs::directory_iterator(split))
            if (entry.is_directory() && entry.path().filename() != "labeled")
              splits += (splits.empty() ? "" : ", ") + entry.path().filename().string();
          throw mc::Error("the benchmark has no such split")
              .file(split.string())
              .key("--split")
              .expected(splits.empty() ? "a split folder" : splits)
              .found(o->split);
        }
        const auto device = mc::train::resolve_device(o->device);
        const auto body = mc::train::load_body_model(o->body_model, device);
        auto loaded = mc::model::load_checkpoint(o->checkpoint, body.hash());
        loaded.network->to(device);
        loaded.network->set_train(false);
        const auto dataset = mc::data::VideoDataset::open(split);
        mc::eval::EvalOptions eo;
        eo.resolution = loaded.network->config().resolution;
        eo.batch_size = o->batch_size;
        eo.keep_predictions = !o->predictions.empty();
        const auto r = mc::eval::evaluate(mc::eval::single_frame_predictor(*loaded.network), body,
                                          dataset, eo);
        mc::eval::write_result_json(o->out, r);
        if (!o->predictions.empty()) mc::eval::write_predictions(o->predictions, r);
        auto rows = r.per_sequence;
        rows.emplace_back("all", r.overall);
        std::cout << mc::eval::metrics_table(rows);
      });
    });

}  // namespace
