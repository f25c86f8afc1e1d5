// motioncue video prepare: a user's own videos as sequence folders the refinement reads as its
// unlabeled split (refine --set refine.unlabeled_split=DIR).
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "motioncue/infer/video_prepare.h"
#include "verb.h"

namespace {

namespace fs = std::filesystem;
namespace mc = motioncue;

struct PrepareCli {
  std::vector<std::string> videos;
  std::string out;
  mc::infer::PrepareOptions options;
};

void add_prepare(CLI::App& app) {
  auto o = std::make_shared<PrepareCli>();
  auto* sub = app.add_subcommand(
      "prepare", "Find and track people in videos; write the tracks as unlabeled sequences");
  sub->add_option("VIDEOS", o->videos, "video files or folders of frames")->required();
  sub->add_option("--out", o->out, "new folder for the sequences (a split refine can read)")
      ->required();
  sub->add_option("--boxes", o->options.boxes,
                  "person boxes: detector (MoveNet multipose), hog, full, or a JSON box file");
  sub->add_option("--hog-max-side", o->options.hog_max_side,
                  "frames are downscaled to this longer side for the HOG detector");
  sub->add_option("--fps", o->options.fps, "keep frames at about this rate (default: every frame)");
  sub->add_option("--min-length", o->options.min_length, "shortest run of tracked frames kept");
  sub->add_option("--max-length", o->options.max_length,
                  "longer runs are cut into sequences of at most this many frames");
  sub->add_option("--max-people", o->options.max_people,
                  "people kept a video: the tracks with the most frames");
  sub->add_option("--max-side", o->options.max_side, "stored frames' longer side at most this");
  sub->callback([o] {
    std::vector<fs::path> videos(o->videos.begin(), o->videos.end());
    const auto report = mc::infer::prepare_videos(videos, o->out, o->options);
    int sequences = 0;
    for (const auto& r : report) {
      std::cout << r.video << ": " << r.frames << " frames, " << r.tracks << " tracks, "
                << r.sequences << " sequences kept (" << r.kept_frames << " frames)\n";
      sequences += r.sequences;
    }
    std::cout << sequences << " sequences in " << o->out << " (contact_sheet.png, prepare.json); "
              << "refine on them with --set refine.unlabeled_split="
              << fs::absolute(o->out).string() << "\n";
  });
}

mc::cli::VerbRegistration register_video("video", "Prepare your own videos for refinement",
                                         [](CLI::App& app) {
                                           add_prepare(app);
                                           app.require_subcommand(1);
                                         });

}  // namespace
