// motioncue keypoints: 2D keypoints of every person from the pretrained MoveNet and BlazePose
// models.
#include <iostream>
#include <memory>

#include "motioncue/infer/keypoint_run.h"
#include "verb.h"

namespace {

motioncue::cli::VerbRegistration register_keypoints(
    "keypoints",
    "2D keypoints (COCO-17 and motioncue's 24) of every person in images, a folder or a video",
    [](CLI::App& app) {
      auto o = std::make_shared<motioncue::infer::KeypointOptions>();
      app.add_option("input", o->input, "an image, a folder of images or a video file")->required();
      app.add_option("--out", o->out, "output folder (must not exist or be empty)")->required();
      app.add_option("--model", o->model,
                     "movenet-thunder (default), movenet-lightning, movenet-multipose or "
                     "blazepose-full");
      app.add_option("--boxes", o->boxes,
                     "people: detector (MoveNet multipose, default), full, hog, coco (the "
                     "annotated boxes) or a JSON box file");
      app.add_option("--coco", o->coco,
                     "COCO keypoint annotations of the images: score the run against them");
      app.add_option("--min-score", o->min_score,
                     "drop detected people scoring below this (default 0.2)");
      app.add_option("--hog-max-side", o->hog_max_side,
                     "downscale frames to this longer side for HOG");
      app.add_flag("!--no-overlays", o->overlays, "skip the overlay images");
      app.callback([o] {
        const auto summary = motioncue::infer::run_keypoints(*o);
        std::cout << summary.to_string() << "\nresults: " << o->out.string() << "\n";
      });
    });

}  // namespace
