// The training procedures: supervised baseline training on a few labeled images, the motion-cue
// refinement of a trained network (docs/METHOD.md section 5), and the training of its temporal
// context (section 6). Each writes into a run folder: config.yaml, log.txt, curves.csv, best.ckpt
// (by validation PA-MPJPE), last.ckpt, summary.json.
#pragma once

#include <filesystem>
#include <string>

namespace motioncue {
class Config;
class RunDir;
}  // namespace motioncue
namespace motioncue::distributed {
class Group;
}

namespace motioncue::train {

struct TrainSummary {
  std::filesystem::path best_checkpoint, last_checkpoint;
  double best_val_pa_mpjpe = 0;
  long best_step = -1;
  long steps = 0;  // steps trained so far (less than configured when stopped by stop_after)
  double seconds = 0;
  bool finished = true;  // false: stopped early (TrainControl::stop_after); resumable
};

// How a run starts and ends; not part of the recorded configuration, since it does not change
// what the run computes.
struct TrainControl {
  // Continue the interrupted run in the run folder from its last.ckpt (weights, optimizer, RNG,
  // data stream, curves and model selection), so that the result equals an uninterrupted run's.
  // The config must be the run's recorded one.
  bool resume = false;
  // Stop after this step (when it lies between the start and the configured steps), leaving a
  // resumable run and no summary.json: a time-boxed job. <= 0: run to the end.
  int stop_after = 0;
  // Data-parallel: this process is one rank of `group` (docs/ARCHITECTURE.md, distributed). Each
  // rank loads its slice of every global batch, the gradients are averaged over the ranks before
  // every optimizer step, rank 0's weights are everyone's at the start, and only rank 0
  // validates and writes into the run folder (the others get a scratch one). nullptr: alone.
  distributed::Group* group = nullptr;
  // With `resume`: the folder whose last.ckpt to resume from when it is not the run folder (the
  // ranks > 0 of a resumed data-parallel run, which write into a scratch folder).
  std::filesystem::path resume_from = {};
};

// Config schema: kTrainDefaults (defaults.h).
TrainSummary run_training(const Config& config, const RunDir& run, TrainControl control = {});
// Config schema: kRefineDefaults (defaults.h). Resumed like run_training; the `init` checkpoint
// must still be there (it gives the architecture and the labeled subset's seed).
TrainSummary run_refinement(const Config& config, const RunDir& run, TrainControl control = {});
// Config schema: kTemporalDefaults (defaults.h). Trains the temporal context of the `init`
// network (and the network itself when temporal.lr_network > 0) on unlabeled video; the
// checkpoints are pairs: best.ckpt + best_context.pt, last.ckpt + last_context.pt
// (context_checkpoint_of). Model selection scores the network with its context on the validation
// sequences, from step 0 (the untrained context, which is the single-frame network) on.
TrainSummary run_temporal_training(const Config& config, const RunDir& run,
                                   TrainControl control = {});
// The context checkpoint that goes with a network checkpoint of a temporal run:
// <dir>/<stem>_context.pt (temporal/context_checkpoint.h).
std::filesystem::path context_checkpoint_of(const std::filesystem::path& network_checkpoint);

}  // namespace motioncue::train
