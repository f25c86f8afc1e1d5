// motioncue infer: people's own images, folders and videos -> body parameters, overlays, exports.
#include <opencv2/core.hpp>

#include <iostream>
#include <memory>

#include "motioncue/core/error.h"
#include "motioncue/infer/infer.h"
#include "verb.h"

namespace {

motioncue::cli::VerbRegistration register_infer(
    "infer", "Estimate the body of every person in an image, a folder of images or a video",
    [](CLI::App& app) {
      auto o = std::make_shared<motioncue::infer::InferOptions>();
      auto overlay = std::make_shared<std::string>("images");
      app.add_option("input", o->input, "an image, a folder of images or a video file")->required();
      app.add_option("--checkpoint", o->checkpoint, "trained network checkpoint")->required();
      app.add_option("--out", o->out, "output folder (must not exist or be empty)")->required();
      app.add_option("--body-model", o->body_model,
                     "body model .npz in SMPL's layout (default: built-in)");
      app.add_option(
          "--keypoint-regressor", o->keypoint_regressor,
          "with --body-model: SPIN's J_regressor_extra.npy (9 x V), or 24 x V keypoints");
      app.add_option(
          "--boxes", o->boxes,
          "person boxes: detector (MoveNet multipose, default), hog, full, coco (the annotated "
          "boxes of --coco) or a JSON box file");
      app.add_option("--coco", o->coco,
                     "COCO keypoint annotations of the images: score the network's projected "
                     "keypoints against them (coco_scores.json)");
      app.add_option("--batch-size", o->batch_size, "crops per network call");
      app.add_option("--hog-max-side", o->hog_max_side,
                     "downscale frames to this longer side for the HOG detector");
      app.add_option("--detect-every", o->detect_every,
                     "videos and frame folders: run the person detector on one frame in N; the "
                     "tracker carries the boxes between (faster; 1 = every frame)")
          ->check(CLI::Range(1, 1000));
      app.add_option("--overlay", *overlay, "overlays: images, video or none");
      app.add_flag("--side-view", o->side_view, "add a side view of the mesh to the overlays");
      app.add_flag("--obj", o->obj, "write one OBJ per person and frame");
      app.add_flag("!--no-exports", o->exports, "skip the per-track .glb and .bvh files");
      auto adapt = std::make_shared<bool>(false);
      auto adapt_steps = std::make_shared<int>(200);
      app.add_flag("--adapt", *adapt,
                   "first refine a copy of the network on this video's own person tracks (the "
                   "motion cue), anchored by its labeled images; kept only if validation "
                   "agrees (<out>/adapt/)");
      app.add_option("--adapt-steps", *adapt_steps, "refinement steps of --adapt (0: none)")
          ->capture_default_str()
          ->check(CLI::Range(0, 1000000));
      app.add_option("--adapt-min-frames", o->adapt.min_length,
                     "--adapt: the fewest consecutive frames of a track it learns from")
          ->capture_default_str()
          ->check(CLI::Range(2, 100000));
      app.add_option("--labeled", o->adapt.labeled,
                     "--adapt: benchmark root with labeled/ and val/ (default: the data the "
                     "checkpoint was trained on)");
      app.add_option("--adapt-set", o->adapt.settings,
                     "--adapt: a refine setting, key=value (repeatable), e.g. refine.lr=5e-5");
      app.callback([o, overlay, adapt, adapt_steps] {
        using motioncue::infer::OverlayMode;
        o->adapt.steps = *adapt ? *adapt_steps : 0;
        if (!*adapt && (!o->adapt.labeled.empty() || !o->adapt.settings.empty()))
          throw motioncue::Error("--labeled and --adapt-set need --adapt");
        if (*overlay == "images")
          o->overlays = OverlayMode::kImages;
        else if (*overlay == "video")
          o->overlays = OverlayMode::kVideo;
        else if (*overlay == "none")
          o->overlays = OverlayMode::kNone;
        else
          throw motioncue::Error("unknown overlay mode")
              .key("--overlay")
              .expected("images, video or none")
              .found(*overlay);
        motioncue::infer::InferSummary summary;
        try {
          summary = motioncue::infer::run_inference(*o);
        } catch (const cv::Exception& e) {
          // Whatever OpenCV still refuses reaches the user as one line, not its multi-line text
          // (run_inference has removed its outputs by then).
          throw motioncue::Error("OpenCV failed in " + e.func + ": " + e.err)
              .file(o->input.string());
        }
        std::cout << summary.to_string() << "\nresults: " << o->out.string() << "\n";
      });
    });

}  // namespace
