// The bookkeeping every trainer shares around its own loss, whatever it trains (trainable.h): the
// finiteness check, the optimizer step, running means of the logged terms, curves.csv, validation
// with model selection, the progress bar, and at the end the last checkpoint and summary.json.
// Every validation also writes last.ckpt with the optimizer, the RNG and the model selection's
// state, so an interrupted run can continue exactly from it (resume_point, start_point), and a run
// can stop early at a step of its choosing (LoopSettings::stop_after) with such a resume point.
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "motioncue/train/curve_log.h"
#include "motioncue/train/trainers.h"

namespace torch::optim {
class Optimizer;
}
namespace motioncue {
class Progress;
class RunDir;
}  // namespace motioncue
namespace motioncue::distributed {
class Group;
}

namespace motioncue::train {

class ModelSelector;
class Trainable;

struct LoopSettings {
  int steps = 0, log_every = 50, val_every = 250;
  std::string label = "train";
  // Largest global L2 norm of the gradient; larger gradients are scaled down (0 = no clipping).
  // SPIN's camera prior exp(-10 s)^2 makes one bad sample's gradient enormous; unclipped, Adam's
  // first step after it can wreck the network (seen as a diverged 1,600-image baseline).
  double grad_clip = 0.0;
  // "constant", or "cosine": half a cosine period from the start value towards 0 over the run.
  std::string lr_schedule = "constant";
  // Steps already trained (a resumed run: start_point); the loop continues with first_step + 1.
  int first_step = 0;
  // Stop after this step when it lies after first_step and before `steps` (TrainControl).
  int stop_after = 0;
  // Data-parallel rank (TrainControl::group); nullptr: alone.
  distributed::Group* group = nullptr;
};

// The learning-rate factor of `schedule` at `step` (1-based) of `steps`; throws on an unknown name.
double lr_factor(const std::string& schedule, int step, int steps);

// Where an interrupted run left off, read from its last.ckpt sidecar.
struct ResumePoint {
  int step = 0;  // steps trained
  double best_pa_mpjpe = 0;
  long best_step = -1;
};
// Throws Error naming the file when the run has no last.ckpt or its sidecar lacks the state.
ResumePoint resume_point(const std::filesystem::path& run_dir);

// Where a run of `steps` steps starts. A new run: step 0. A resumed one (control.resume): the
// resume point of the run folder's last.ckpt, whose weights (Trainable::load), optimizer state
// (with the learning rates `optimizer` has now: the archive holds the scheduled ones) and CPU
// generator are loaded, and whose best-so-far is restored into `selector`. Throws Error naming the
// file when there is nothing to resume or the run has finished all its steps.
ResumePoint start_point(const RunDir& run, const TrainControl& control, int steps,
                        Trainable& trainable, torch::optim::Optimizer& optimizer,
                        ModelSelector& selector);

class TrainingLoop {
 public:
  TrainingLoop(const RunDir& run, Trainable& trainable, ModelSelector& selector,
               nlohmann::json meta, LoopSettings settings);
  ~TrainingLoop();

  // Validates without training (step 0 of a refinement takes part in model selection).
  void validate(int step);
  // Backpropagates `loss`, steps `optimizer`, records `logged` (plus the loss) and validates when
  // due. A non-finite loss is an Error naming the step. In a group the gradients and the loss are
  // averaged over the ranks first (so every rank takes the same step and fails together), and
  // only rank 0 validates and writes curves and checkpoints.
  void step(int step, const at::Tensor& loss, torch::optim::Optimizer& optimizer,
            const std::map<std::string, double>& logged);
  // The last step this process trains: `steps`, or stop_after when it stops early.
  int last_step() const;
  // After last_step(): when that is the run's final step, saves last.ckpt (with the optimizer
  // state) and summary.json; otherwise saves a resume point at it and returns an unfinished
  // summary (no summary.json), which `motioncue <label> --resume` continues.
  TrainSummary end(torch::optim::Optimizer& optimizer);
  // Saves last.ckpt at `step` without finishing the run (it can be resumed from there).
  void save_resume_point(int step, torch::optim::Optimizer& optimizer);

 private:
  bool writes() const;  // alone, or rank 0 of the group

  const RunDir& run_;
  Trainable& trainable_;
  ModelSelector& selector_;
  nlohmann::json meta_;
  LoopSettings settings_;
  CurveLog curves_;
  std::unique_ptr<Progress> progress_;
  std::map<std::string, double> running_;
  int running_steps_ = 0;  // the steps summed in running_ (fewer than log_every after a resume)
  std::vector<double> base_lrs_;
  std::chrono::steady_clock::time_point start_;
  int saved_step_ = -1;  // the step of the last resume point written
};

}  // namespace motioncue::train
