// motioncue domain-gap: a keypoint network trained on real photographs against a benchmark's
// exact 2D keypoints (how real the renders look to it).
#include <filesystem>
#include <iostream>
#include <memory>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/eval/keypoint_gap.h"
#include "verb.h"

namespace {

struct GapOptions {
  std::string data, split = "test", out;
  motioncue::eval::KeypointGapOptions gap;
};

motioncue::cli::VerbRegistration register_domain_gap(
    "domain-gap",
    "Score a pretrained keypoint model (MoveNet, BlazePose) on a benchmark's exact 2D keypoints",
    [](CLI::App& app) {
      auto o = std::make_shared<GapOptions>();
      app.add_option("--data", o->data, "benchmark root, or a split folder of sequences")
          ->required();
      app.add_option("--split", o->split, "split under the benchmark root (default test)");
      app.add_option("--model", o->gap.model,
                     "movenet-thunder (default), movenet-lightning, movenet-multipose or "
                     "blazepose-full");
      app.add_option("--every", o->gap.every, "score every N-th frame (default 1)");
      app.add_option("--out", o->out, "result JSON")->required();
      app.callback([o] {
        namespace fs = std::filesystem;
        const auto parent = fs::path(o->out).parent_path();
        if (!parent.empty() && !fs::is_directory(parent))
          throw motioncue::Error("output folder does not exist").file(parent.string());
        fs::path split = o->data;
        if (fs::is_directory(split / o->split)) split /= o->split;
        const auto report = motioncue::eval::measure_keypoint_gap(split, o->gap);
        motioncue::write_file_atomic(o->out, report.to_json().dump(1) + "\n");
        std::cout << report.table();
      });
    });

}  // namespace
