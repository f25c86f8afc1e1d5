#include "motioncue/infer/adapt.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/train/curve_log.h"
#include "motioncue/train/defaults.h"
#include "motioncue/train/options.h"
#include "motioncue/train/trainers.h"

namespace motioncue::infer {
namespace fs = std::filesystem;
namespace {

// The benchmark the checkpoint's baseline was trained on, from its recorded configuration.
fs::path recorded_data(const nlohmann::json& meta, const fs::path& checkpoint) {
  if (!meta.contains("config") || !meta["config"].is_string())
    throw Error("the checkpoint records no training configuration; name the labeled set")
        .file(checkpoint.string())
        .key("--labeled");
  Config trained(train::kTrainDefaults, "training defaults");
  trained.merge_yaml(meta["config"].get<std::string>(), checkpoint.string() + " (its config)");
  const std::string data = train::BaselineOptions::from_config(trained).run.data;
  if (data.empty())
    throw Error("the checkpoint records no training data; name the labeled set")
        .file(checkpoint.string())
        .key("--labeled");
  return data;
}

// The validation row at `step` of a refinement's curves.
const train::CurveRow* validation_at(const train::CurveTable& table, long step) {
  for (const auto& row : table.rows)
    if (row.step == step && row.values.count("val_pa_mpjpe")) return &row;
  return nullptr;
}

}  // namespace

AdaptResult adapt_network(const fs::path& checkpoint, const std::pair<fs::path, fs::path>& body,
                          const fs::path& clips, const fs::path& run_dir, const AdaptOptions& o) {
  if (o.steps < 1) throw Error("adaptation needs at least one step").key("--adapt-steps");
  const nlohmann::json meta = model::checkpoint_meta(checkpoint);
  const fs::path data = o.labeled.empty() ? recorded_data(meta, checkpoint) : o.labeled;
  for (const char* part : {"labeled/annotations.npz", "val"})
    if (!fs::exists(data / part))
      throw Error("the labeled set lacks " + std::string(part) +
                  " (the anchor and the validation split that guards the adaptation)")
          .file(data.string())
          .key("--labeled");

  Config config(train::kRefineDefaults, "refine defaults");
  const auto set = [&](const std::string& key, const std::string& value) {
    config.set(key + "=" + value);
  };
  // Paths go in as single-quoted YAML strings, so one holding ': ' or ' #' stays one string.
  const auto set_path = [&](const std::string& key, const fs::path& path) {
    std::string quoted = "'";
    for (char c : fs::absolute(path).string()) quoted += c == '\'' ? "''" : std::string(1, c);
    config.set(key + "=" + quoted + "'");
  };
  set_path("data", data);
  set_path("init", checkpoint);
  if (!body.first.empty()) set_path("body_model", body.first);
  if (!body.second.empty()) set_path("keypoint_regressor", body.second);
  // The anchor: the labeled images the checkpoint was trained on, when it says which.
  if (meta.contains("labeled_count") && meta["labeled_count"].is_number_integer())
    set("labeled.count", std::to_string(meta["labeled_count"].get<long long>()));
  set("refine.steps", std::to_string(o.steps));
  set("refine.val_every", std::to_string(std::max(1, o.steps / 4)));
  set("refine.log_every", std::to_string(std::max(1, o.steps / 10)));
  set_path("refine.unlabeled_split", clips);
  set_path("refine.flow_cache", run_dir.parent_path() / "flow_cache");
  // The sound form of the flow term on 224 px crops, with E1's refinement rate (docs/RESULTS.md).
  set("refine.flow_loss", "robust");
  set("refine.flow_resolution", "224");
  set("refine.lr", "1e-4");
  set("refine.augment", "false");
  set("refine.workers", "1");
  for (const auto& s : o.settings) config.set(s);

  const RunDir run(run_dir, ExistingRun::kRefuse);
  const auto summary = train::run_refinement(config, run);

  AdaptResult result;
  result.checkpoint = checkpoint;
  const auto curves = train::read_curve_table(run_dir / "curves.csv");
  const auto* start = validation_at(curves, 0);
  const auto* best = validation_at(curves, summary.best_step);
  std::ostringstream note;
  note.precision(4);
  if (summary.best_step <= 0 || !start || !best) {
    note << "kept the original network: no step of " << o.steps
         << " beat it on validation PA-MPJPE";
  } else {
    auto value = [](const train::CurveRow* row, const char* key) {
      const auto it = row->values.find(key);
      return it == row->values.end() ? 0.0 : it->second;
    };
    const double mpjpe0 = value(start, "val_mpjpe"), mpjpe = value(best, "val_mpjpe");
    const double facing0 = value(start, "val_facing_wrong"),
                 facing = value(best, "val_facing_wrong");
    note << "validation PA-MPJPE " << value(start, "val_pa_mpjpe") << " -> "
         << value(best, "val_pa_mpjpe") << " mm (step " << summary.best_step << "), MPJPE "
         << mpjpe0 << " -> " << mpjpe << " mm, facing wrong " << 100 * facing0 << " -> "
         << 100 * facing << " %";
    // Safeguards: PA-MPJPE alone hides a network that turns people round or misplaces them.
    if (mpjpe > mpjpe0) {
      note << "; kept the original network: MPJPE rose";
    } else if (facing > facing0) {
      note << "; kept the original network: more frames face the wrong way";
    } else {
      result.accepted = true;
      result.checkpoint = summary.best_checkpoint;
      note << "; adapted network used";
    }
  }
  result.note = note.str();
  return result;
}

}  // namespace motioncue::infer
