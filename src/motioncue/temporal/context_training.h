// Training the temporal context (docs/METHOD.md section 6): clips of k+1 consecutive unlabeled
// frames; the context of a frame is the single-frame network's detached predictions on its k
// previous frames (as at inference, streaming.h); the loss is the forward flow term between the
// last two frames of the clip, through the context-modulated path, plus the anchor:
//   - the supervised loss on labeled images through the single-frame path (it only moves the
//     image network, so it is used when that network trains, lr_network > 0), and
//   - `context_anchor` x the mean squared change of the 157 parameters that the context makes
//     with respect to the single-frame prediction. Labeled images are stills without previous
//     frames, so this is what anchors the context network itself; 0 turns it off.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
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
}  // namespace motioncue::data

namespace motioncue::distributed {
class Group;
}

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

struct ContextTrainingOptions {
  ContextConfig context;
  int steps = 500;
  int batch_size = 4;          // clips per step
  int labeled_batch_size = 8;  // used when lr_network > 0 and a labeled set is given
  double lr_context = 1e-4;
  double lr_network = 0.0;  // 0: the image network is frozen (METHOD suggests 1e-5 otherwise)
  double w_flow = 0.01;
  double context_anchor = 1.0;
  losses::SupervisedWeights supervised;
  int resolution = 128;
  std::string flow_estimator = "oracle";
  std::filesystem::path flow_cache;  // empty: no cache
  std::uint64_t seed = 0;
  int workers = 2;
};
// Throws Error naming the key of a value out of range.
void validate(const ContextTrainingOptions& options);

struct ContextStepTerms {
  at::Tensor total;  // differentiable
  double flow = 0, anchor = 0, supervised = 0;
  int64_t pairs_kept = 0;
};

// One step's loss. `labeled` may be null (no supervised term).
ContextStepTerms context_step(const model::PoseNetwork& network, const ContextNetwork& context,
                              const body::BodyModel& body, const ClipBatch& clip,
                              const data::LabeledBatch* labeled,
                              const ContextTrainingOptions& options);

// Loads the context frames of pairs (seq, t) from a dataset: N x (k+1) x 3 x R x R.
at::Tensor load_context_frames(const data::VideoDataset& dataset,
                               const std::vector<std::int64_t>& seq,
                               const std::vector<std::int64_t>& t, int frames, int resolution);

struct ContextTrainingLog {
  std::vector<double> total, flow, anchor, supervised;  // per step, from step 1 (resumed too)
  bool finished = true;  // false: stopped early (ContextTrainingControl::stop_after)
};

// Stopping and resuming a run, as `motioncue train` does. Stopping after step N writes a resume
// point into `dir`: last.ckpt (the image network, the Adam state of both parameter groups, the
// CPU generator, and in its meta the step and the log so far; model/checkpoint.h) and
// last_context.pt (the context network). Resuming loads it and continues with step N + 1; the
// loaders start at batch N (their batches depend on (seed, batch index) only), so a stopped and
// resumed run computes what an uninterrupted one does.
struct ContextTrainingControl {
  std::filesystem::path dir;  // the resume point's folder (needed by stop_after and resume)
  bool resume = false;        // continue from the resume point in `dir`
  int stop_after = 0;         // stop after this step when 0 < stop_after < steps
  // Data-parallel, as train::TrainControl::group: rank 0's weights for everyone at the start,
  // each rank's slice of every batch (batch_size and labeled_batch_size must divide by the
  // ranks), gradients and loss averaged before each step; only rank 0 writes a resume point.
  distributed::Group* group = nullptr;
};
// The resume point's files in `dir`.
std::filesystem::path context_resume_network(const std::filesystem::path& dir);  // last.ckpt
std::filesystem::path context_resume_context(const std::filesystem::path& dir);  // last_context.pt

// Trains `context` (and `network` when lr_network > 0) in place. `labeled` may be null.
// `on_step(step, terms)` is called after every step (progress, logging), may be empty. Resuming
// throws Error naming the file when `dir` has no resume point or it is at or past `steps`.
ContextTrainingLog train_context(
    model::PoseNetwork& network, ContextNetwork& context, const body::BodyModel& body,
    const data::VideoDataset& unlabeled, const data::LabeledDataset* labeled,
    const ContextTrainingOptions& options,
    const std::function<void(int, const ContextStepTerms&)>& on_step = {},
    const ContextTrainingControl& control = {});

}  // namespace motioncue::temporal
