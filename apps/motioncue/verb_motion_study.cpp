// motioncue motion-study: experiment E5, optical flow vs the network's own 2D motion estimate of
// the evaluation joints, per frame gap.
#include <iostream>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/eval/motion_study.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/train/run_setup.h"
#include "verb.h"

namespace {

struct MotionStudyCli {
  std::string checkpoint, data, split = "test", estimator = "dis-medium", gaps = "1,3,5,7", out;
  std::string flow_cache, device = "auto";
  motioncue::cli::BodyFiles body;
  int resolution = 0, batch_size = 32;
};

motioncue::cli::VerbRegistration register_motion_study(
    "motion-study",
    "E5: compare optical flow with the network's own 2D joint motion over frame gaps",
    [](CLI::App& app) {
      auto o = std::make_shared<MotionStudyCli>();
      app.add_option("--checkpoint", o->checkpoint, "network checkpoint")->required();
      app.add_option("--data", o->data, "a split folder of sequences, or a benchmark root")
          ->required();
      app.add_option("--split", o->split, "split under a benchmark root (default test)");
      app.add_option("--estimator", o->estimator,
                     "flow estimator (dis-medium, farneback, ..., or oracle)");
      app.add_option("--gaps", o->gaps, "frame gaps, comma-separated (default 1,3,5,7)");
      app.add_option("--out", o->out, "result JSON")->required();
      app.add_option("--resolution", o->resolution, "crop size (default: the checkpoint's)");
      app.add_option("--flow-cache", o->flow_cache, "flow cache folder (default: none)");
      motioncue::cli::add_body_options(app, o->body);
      app.add_option("--device", o->device, "auto, cpu or cuda");
      app.add_option("--batch-size", o->batch_size, "crops per network call");
      app.callback([o] {
        namespace mc = motioncue;
        mc::eval::MotionStudyOptions so;
        so.gaps = mc::eval::parse_gaps(o->gaps);  // before anything slow
        so.estimator = o->estimator;
        so.batch_size = o->batch_size;
        so.flow_cache_dir = o->flow_cache;
        if (!std::filesystem::exists(o->checkpoint))
          throw mc::Error("checkpoint not found").file(o->checkpoint);
        std::filesystem::path split = o->data;
        if (!std::filesystem::is_directory(split))
          throw mc::Error("data folder not found").file(o->data);
        if (std::filesystem::is_directory(split / o->split)) split /= o->split;
        const auto dataset = mc::data::VideoDataset::open(split);
        const auto device = mc::train::resolve_device(o->device);
        const auto body =
            mc::train::load_body_model(o->body.model, device, o->body.keypoint_regressor);
        const auto loaded = mc::model::load_for_inference(o->checkpoint, body);
        so.resolution = o->resolution > 0 ? o->resolution : loaded.network->config().resolution;
        const auto result = mc::eval::run_motion_study(*loaded.network, body, dataset, so);
        mc::eval::write_motion_study(o->out, result);
        std::cout << "estimator " << result.estimator << ", " << result.resolution << " px crops, "
                  << split.string() << "\n"
                  << mc::eval::motion_study_table(result);
      });
    });

}  // namespace
