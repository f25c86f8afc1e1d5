// Motion cues on the footage being processed (`infer --adapt`): a copy of the network is refined
// on the input's own person tracks (the flow term in its robust form), anchored by the labeled
// images it was trained on, before inference. Model selection runs on the labeled benchmark's
// validation split from step 0, and an adapted network is kept only when it is no worse there
// than the start in MPJPE and in facing; otherwise inference uses the original network.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace motioncue::infer {

struct AdaptOptions {
  int steps = 0;  // refinement steps; 0: no adaptation
  // Benchmark root with labeled/ and val/ (docs/FORMATS.md); empty: the `data` the checkpoint
  // was trained on, as its record says.
  std::filesystem::path labeled;
  std::vector<std::string> settings;  // further refine settings, "refine.lr=1e-4"
  int min_length = 8;                 // shortest run of a track that becomes a clip
  int max_length = 64;                // longer runs are cut into clips of at most this many frames
  int max_side = 384;                 // stored clip frames, pixels
};

struct AdaptResult {
  std::filesystem::path checkpoint;  // what inference should use
  bool accepted = false;             // false: the original network (no gain, or a safeguard)
  std::string note;                  // one line: what was done and why
};

// Refines `checkpoint` on the sequence folders under `clips` into the run folder `run` (which
// must not exist). Throws Error naming the key or file for a missing labeled set, a checkpoint
// without a training record and no `labeled`, or bad settings.
// `body` is the body model file and its keypoint regressor file (either may be empty).
AdaptResult adapt_network(const std::filesystem::path& checkpoint,
                          const std::pair<std::filesystem::path, std::filesystem::path>& body,
                          const std::filesystem::path& clips, const std::filesystem::path& run,
                          const AdaptOptions& options);

}  // namespace motioncue::infer
