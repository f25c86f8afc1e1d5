// The loss of temporal context training (docs/METHOD.md section 6; the run is
// train/train_temporal.h): clips of k+1 consecutive unlabeled frames; the context of a frame is the
// single-frame network's detached predictions on its k previous frames (as at inference,
// streaming.h); the loss is the forward flow term between the last two frames of the clip, through
// the context-modulated path, plus the anchor:
//   - the supervised loss on labeled images through the single-frame path (it only moves the
//     image network, so it is used when that network trains), and
//   - `context_anchor` x the mean squared change of the 157 parameters that the context makes
//     with respect to the single-frame prediction. Labeled images are stills without previous
//     frames, so this is what anchors the context network itself; 0 turns it off.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "motioncue/losses/supervised.h"
#include "motioncue/temporal/context_model.h"

namespace motioncue::body {
class BodyModel;
}
namespace motioncue::data {
class VideoDataset;
class LabeledDataset;
struct LabeledBatch;
struct PairBatch;
}  // namespace motioncue::data

namespace motioncue::temporal {

// Frames t-k .. t+1 of N pairs (t, t+1).
struct ClipBatch {
  // N x (k+1) x 3 x R x R: frames t-k .. t, each cropped with its own box; frames before the
  // sequence start repeat frame 0 (the padding of context_windows).
  at::Tensor context_images;
  std::vector<bool> has_previous;  // per pair: t > 0 (frame t has real context)
  // Frames t and t+1, both cropped with frame t's box, and the flows between them (PairBatch).
  at::Tensor images1, images2, flow_fw, flow_bw;
};

// The loss of a temporal training step (the run's settings: train::TemporalOptions).
struct ContextLossOptions {
  double w_flow = 0.01;
  double context_anchor = 1.0;
  // The image network trains too: its features keep their graph, and a labeled batch adds the
  // supervised loss. Otherwise it is frozen and the labeled batch is ignored.
  bool train_network = false;
  losses::SupervisedWeights supervised;
  int resolution = 128;  // of the crops and the flow: the network's input size
};

struct ContextStepTerms {
  at::Tensor total;  // differentiable
  double flow = 0, anchor = 0, supervised = 0;
  int64_t pairs_kept = 0;
};

// One step's loss. `labeled` may be null (no supervised term).
ContextStepTerms context_step(const model::PoseNetwork& network, const ContextNetwork& context,
                              const body::BodyModel& body, const ClipBatch& clip,
                              const data::LabeledBatch* labeled, const ContextLossOptions& options);

// Loads the context frames of pairs (seq, t) from a dataset: N x (k+1) x 3 x R x R.
at::Tensor load_context_frames(const data::VideoDataset& dataset,
                               const std::vector<std::int64_t>& seq,
                               const std::vector<std::int64_t>& t, int frames, int resolution);

// A batch of pairs with the `frames` previous frames of each pair's first frame.
ClipBatch clip_batch(const data::VideoDataset& dataset, const data::PairBatch& pairs, int frames,
                     int resolution);

}  // namespace motioncue::temporal
