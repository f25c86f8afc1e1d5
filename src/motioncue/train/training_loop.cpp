#include "motioncue/train/training_loop.h"

#include <torch/torch.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "motioncue/core/error.h"
#include "motioncue/core/progress.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/distributed/process_group.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/train/model_selection.h"
#include "motioncue/train/summary.h"
#include "motioncue/train/trainable.h"

namespace motioncue::train {

double lr_factor(const std::string& schedule, int step, int steps) {
  if (schedule == "constant") return 1.0;
  if (schedule == "cosine")
    return steps <= 1 ? 1.0
                      : 0.5 * (1.0 + std::cos(M_PI * (step - 1) / static_cast<double>(steps)));
  throw Error("unknown learning-rate schedule")
      .key("train.lr_schedule")
      .expected("constant or cosine")
      .found(schedule);
}

ResumePoint resume_point(const std::filesystem::path& run_dir) {
  const auto file = run_dir / "last.ckpt";
  if (!std::filesystem::exists(file))
    throw Error(
        "nothing to resume: the run has no last.ckpt (it stopped before its first "
        "validation)")
        .file(file.string());
  const nlohmann::json meta = model::checkpoint_meta(file);
  const auto state = meta.find("resume");
  if (state == meta.end() || !meta.contains("step") || !state->contains("best_pa_mpjpe") ||
      !state->contains("best_step"))
    throw Error("the checkpoint holds no resume state (written by an older version?)")
        .file(model::checkpoint_sidecar(file).string())
        .key("meta.resume");
  ResumePoint p;
  try {
    p.step = meta["step"].get<int>();
    const auto& best = (*state)["best_pa_mpjpe"];
    p.best_pa_mpjpe = best.is_null() ? std::numeric_limits<double>::infinity() : best.get<double>();
    p.best_step = (*state)["best_step"].get<long>();
  } catch (const nlohmann::json::exception& e) {
    throw Error("malformed resume state in a checkpoint")
        .file(model::checkpoint_sidecar(file).string())
        .found(e.what());
  }
  return p;
}

ResumePoint start_point(const RunDir& run, const TrainControl& control, int steps,
                        Trainable& trainable, torch::optim::Optimizer& optimizer,
                        ModelSelector& selector) {
  if (!control.resume) return {0, std::numeric_limits<double>::infinity(), -1};
  const auto from = control.resume_from.empty() ? run.path() : control.resume_from;
  const ResumePoint start = resume_point(from);
  const auto file = from / "last.ckpt";
  if (start.step >= steps)
    throw Error("the run has already finished all its steps; nothing to resume")
        .file(file.string())
        .found("step " + std::to_string(start.step) + " of " + std::to_string(steps));
  std::vector<double> base_lrs;
  for (const auto& group : optimizer.param_groups()) base_lrs.push_back(group.options().get_lr());
  trainable.load(file);
  model::load_optimizer_state(file, optimizer);
  // The archive holds the scheduled rate of the saved step; the loop rescales from the base.
  for (size_t g = 0; g < base_lrs.size() && g < optimizer.param_groups().size(); ++g)
    optimizer.param_groups()[g].options().set_lr(base_lrs[g]);
  model::restore_rng_state(file);
  selector.restore(start.best_pa_mpjpe, start.best_step);
  spdlog::info("resuming from step {} (best validation PA-MPJPE {:.1f} mm at step {})", start.step,
               start.best_pa_mpjpe, start.best_step);
  return start;
}

TrainingLoop::TrainingLoop(const RunDir& run, Trainable& trainable, ModelSelector& selector,
                           nlohmann::json meta, LoopSettings settings)
    : run_(run),
      trainable_(trainable),
      selector_(selector),
      meta_(std::move(meta)),
      settings_(std::move(settings)),
      curves_(run / "curves.csv"),
      start_(std::chrono::steady_clock::now()) {
  lr_factor(settings_.lr_schedule, 1, settings_.steps);  // rejects an unknown name before training
  if (settings_.first_step > 0 && writes()) curves_.keep_existing(settings_.first_step);
}

TrainingLoop::~TrainingLoop() = default;

bool TrainingLoop::writes() const {
  return settings_.group == nullptr || settings_.group->rank() == 0;
}

void TrainingLoop::validate(int step) {
  if (!writes()) return;  // rank 0 validates and selects for the group
  const ValidationPoint p = selector_.validate(trainable_, step, meta_);
  std::map<std::string, double> row = {{"val_pa_mpjpe", p.pa_mpjpe}, {"val_mpjpe", p.mpjpe}};
  // The facing diagnostics; one not computable (e.g. no two frames in a sequence) stays empty.
  const std::pair<const char*, double> facing[] = {
      {"val_mpjpe_rot", p.mpjpe_rot},           {"val_facing_away", p.facing_away},
      {"val_facing_away_gt", p.facing_away_gt}, {"val_facing_wrong", p.facing_wrong},
      {"val_facing_flips", p.facing_flips},     {"val_facing_turn_deg", p.facing_turn_deg}};
  for (const auto& [name, value] : facing)
    if (std::isfinite(value)) row[name] = value;
  curves_.add(step, row);
  curves_.flush();
}

void TrainingLoop::step(int step, const at::Tensor& loss, torch::optim::Optimizer& optimizer,
                        const std::map<std::string, double>& logged) {
  if (!progress_)
    progress_ =
        std::make_unique<Progress>(settings_.label, last_step() - settings_.first_step, "step");
  optimizer.zero_grad();
  loss.backward();
  const double value =
      settings_.group != nullptr
          ? settings_.group->all_reduce_gradients(trainable_.parameters(), loss.item<double>())
          : loss.item<double>();
  if (!std::isfinite(value)) {
    std::string terms;
    for (const auto& [k, v] : logged)
      if (!std::isfinite(v)) terms += (terms.empty() ? "" : ", ") + k + " = " + std::to_string(v);
    throw Error(settings_.label + " diverged: the loss is not finite at step " +
                std::to_string(step))
        .found(terms.empty() ? std::to_string(value) : terms);
  }
  if (base_lrs_.empty())
    for (const auto& group : optimizer.param_groups())
      base_lrs_.push_back(group.options().get_lr());
  const double factor = lr_factor(settings_.lr_schedule, step, settings_.steps);
  for (size_t g = 0; g < base_lrs_.size(); ++g)
    optimizer.param_groups()[g].options().set_lr(base_lrs_[g] * factor);
  if (settings_.grad_clip > 0)
    running_["grad_norm"] +=
        torch::nn::utils::clip_grad_norm_(trainable_.parameters(), settings_.grad_clip);
  optimizer.step();
  running_["loss"] += value;
  for (const auto& [k, v] : logged) running_[k] += v;
  ++running_steps_;
  progress_->advance();
  const int steps = settings_.steps;
  if (step % settings_.log_every == 0 || step == steps) {
    for (auto& [k, v] : running_) v /= running_steps_;
    progress_->set_status(fmt::format("loss {:.4g}", running_["loss"]));
    curves_.add(step, running_);
    curves_.flush();  // on disk before a later step can fail: those rows explain the failure
    running_.clear();
    running_steps_ = 0;
  }
  if (step % settings_.val_every == 0 || step == steps) {
    validate(step);
    if (step < steps) save_resume_point(step, optimizer);
  }
}

void TrainingLoop::save_resume_point(int step, torch::optim::Optimizer& optimizer) {
  if (step == saved_step_ || !writes()) return;  // already on disk, or not this rank's to write
  nlohmann::json meta = meta_;
  meta["step"] = step;
  // Before the first validation the best is +inf, which JSON cannot hold: null stands for it.
  const double best = selector_.best_pa_mpjpe();
  meta["resume"] = {{"best_pa_mpjpe", std::isfinite(best) ? nlohmann::json(best) : nullptr},
                    {"best_step", selector_.best_step()}};
  trainable_.save(run_ / "last.ckpt", meta, &optimizer);
  saved_step_ = step;
}

int TrainingLoop::last_step() const {
  const int stop = settings_.stop_after;
  return stop > settings_.first_step && stop < settings_.steps ? stop : settings_.steps;
}

TrainSummary TrainingLoop::end(torch::optim::Optimizer& optimizer) {
  if (progress_) progress_->finish();
  const int last = last_step();
  save_resume_point(last, optimizer);
  TrainSummary s;
  s.best_checkpoint = run_ / "best.ckpt";
  s.last_checkpoint = run_ / "last.ckpt";
  s.best_val_pa_mpjpe = selector_.best_pa_mpjpe();
  s.best_step = selector_.best_step();
  s.steps = last;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (last < settings_.steps) {
    // The running means of steps after the last logged row are not kept: the resumed run's first
    // row after this step averages the steps it trains itself.
    s.finished = false;
    spdlog::info("stopped after step {} of {}; continue with: motioncue {} --resume {}", last,
                 settings_.steps, settings_.label, run_.path().string());
    return s;
  }
  write_summary(run_ / "summary.json", s);
  return s;
}

}  // namespace motioncue::train
