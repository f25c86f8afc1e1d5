#include "motioncue/train/data_parallel.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>

#include <vector>

#include "motioncue/core/progress.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/distributed/process_group.h"
#include "motioncue/train/trainable.h"
#include "motioncue/train/trainers.h"

namespace motioncue::train {

data::Shard join_data_parallel(const TrainControl& control, Trainable& trainable) {
  distributed::Group* group = control.group;
  if (group == nullptr) return {};
  std::vector<at::Tensor> state = trainable.state();
  group->broadcast(state);
  return {group->rank(), group->world_size()};
}

void run_in_scratch_folder(const distributed::Group& group,
                           const std::function<void(const RunDir&)>& work) {
  Progress::set_enabled(false);
  spdlog::set_level(spdlog::level::warn);
  const auto scratch = std::filesystem::temp_directory_path() /
                       ("motioncue-rank" + std::to_string(group.rank()) + "-" +
                        std::to_string(static_cast<long long>(::getpid())));
  struct Remove {
    std::filesystem::path dir;
    ~Remove() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } remove{scratch};
  const RunDir run(scratch);
  work(run);
}

}  // namespace motioncue::train
