#include "motioncue/train/summary.h"

#include <nlohmann/json.hpp>

#include "motioncue/core/files.h"
#include "motioncue/train/trainers.h"

namespace motioncue::train {

void write_summary(const std::filesystem::path& file, const TrainSummary& s) {
  const nlohmann::json j = {{"best_checkpoint", s.best_checkpoint.string()},
                            {"last_checkpoint", s.last_checkpoint.string()},
                            {"best_val_pa_mpjpe", s.best_val_pa_mpjpe},
                            {"best_step", s.best_step},
                            {"steps", s.steps},
                            {"seconds", s.seconds}};
  write_file_atomic(file, j.dump(2) + "\n");
}

}  // namespace motioncue::train
