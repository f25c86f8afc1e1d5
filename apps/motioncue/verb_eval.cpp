// motioncue eval: score a checkpoint on a split with MPJPE, PA-MPJPE, PVE and acceleration error,
// or on a SPIN-layout test archive under a published protocol.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/eval/evaluator.h"
#include "motioncue/eval/protocol.h"
#include "motioncue/eval/table.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/train/run_setup.h"
#include "verb.h"

namespace {

struct EvalOptions {
  std::string checkpoint, data, split = "test", out, predictions, device = "auto";
  motioncue::cli::BodyFiles body;
  std::string protocol, images, h36m_regressor, body_male, body_female;
  int batch_size = 32;
};

// --protocol: a SPIN-layout test archive scored the way published tables are (protocol.h).
void evaluate_protocol(const EvalOptions& o) {
  namespace mc = motioncue;
  namespace fs = std::filesystem;
  if (!o.predictions.empty())
    throw mc::Error("--save-predictions applies to benchmark splits, not to --protocol")
        .key("--save-predictions");
  if (!fs::is_regular_file(o.data))
    throw mc::Error("with --protocol, --data is a SPIN-layout test archive (.npz)")
        .file(o.data)
        .key("--data");
  const auto device = mc::train::resolve_device(o.device);
  const auto body = mc::train::load_body_model(o.body.model, device, o.body.keypoint_regressor);
  const auto loaded = mc::model::load_for_inference(o.checkpoint, body);
  const auto setup =
      mc::eval::open_protocol({o.protocol,
                               o.data,
                               o.images,
                               o.h36m_regressor,
                               o.body_male,
                               o.body_female,
                               {"--protocol", "--h36m-regressor", "--body-male, --body-female"}},
                              body, device);
  mc::eval::ProtocolOptions po;
  po.resolution = loaded.network->config().resolution;
  po.batch_size = o.batch_size;
  const auto r = mc::eval::evaluate_protocol(*loaded.network, setup->bodies, *setup->split, po);
  mc::write_file_atomic(o.out, mc::eval::to_json(r).dump(2) + "\n");
  std::printf("%s, %lld images: MPJPE %.1f mm, PA-MPJPE %.1f mm", o.protocol.c_str(),
              static_cast<long long>(r.frames), r.mpjpe, r.pa_mpjpe);
  if (r.pve >= 0) std::printf(", PVE %.1f mm", r.pve);
  if (r.pck150 >= 0) std::printf(", PCK@150mm %.1f %%, AUC %.1f %%", r.pck150, r.auc);
  std::printf("\n");
}

motioncue::cli::VerbRegistration register_eval(
    "eval", "Evaluate a checkpoint on a split of a benchmark", [](CLI::App& app) {
      auto o = std::make_shared<EvalOptions>();
      app.add_option("--checkpoint", o->checkpoint, "network checkpoint")->required();
      app.add_option("--data", o->data,
                     "benchmark root, a split folder of sequences, or with --protocol a "
                     "SPIN-layout test archive (.npz)")
          ->required();
      app.add_option("--protocol", o->protocol,
                     "score as published tables do: 3dpw, h36m-p1, h36m-p2 or mpi-inf-3dhp "
                     "(docs/PROTOCOLS.md)");
      app.add_option("--images", o->images,
                     "with --protocol: folder the archive's imgname is relative to (default: "
                     "the archive's folder)");
      app.add_option("--h36m-regressor", o->h36m_regressor,
                     "with --protocol: Human3.6M joint regressor .npy (17 x V)");
      app.add_option("--body-male", o->body_male, "with --protocol 3dpw: male body .npz");
      app.add_option("--body-female", o->body_female, "with --protocol 3dpw: female body .npz");
      app.add_option("--split", o->split, "split under the benchmark root (test, val, ...)");
      app.add_option("--out", o->out, "result JSON")->required();
      app.add_option("--save-predictions", o->predictions,
                     ".npz with pred_joints, gt_joints (mm), sequence, frame");
      motioncue::cli::add_body_options(app, o->body);
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
        if (!o->protocol.empty()) return evaluate_protocol(*o);
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
        const auto body =
            mc::train::load_body_model(o->body.model, device, o->body.keypoint_regressor);
        const auto loaded = mc::model::load_for_inference(o->checkpoint, body);
        const auto dataset = mc::data::VideoDataset::open(split);
        mc::eval::EvalOptions eo;
        eo.batch_size = o->batch_size;
        eo.keep_predictions = !o->predictions.empty();
        const auto r = mc::eval::evaluate_network(*loaded.network, body, dataset, eo);
        mc::eval::write_result_json(o->out, r);
        if (!o->predictions.empty()) mc::eval::write_predictions(o->predictions, r);
        auto rows = r.per_sequence;
        rows.emplace_back("all", r.overall);
        std::cout << mc::eval::metrics_table(rows);
      });
    });

}  // namespace
