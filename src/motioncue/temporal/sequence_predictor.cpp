#include "motioncue/temporal/sequence_predictor.h"

#include <torch/torch.h>

#include <map>
#include <memory>

#include "motioncue/core/error.h"
#include "motioncue/data/sequence_loader.h"

namespace motioncue::temporal {

eval::Predictor optimised_predictor(const eval::Predictor& base, const body::BodyModel& body,
                                    const data::VideoDataset& dataset, int resolution,
                                    int batch_size, const SequenceOptimiserOptions& options) {
  // Base predictions of every frame, grouped by sequence (frames arrive in order).
  std::map<std::int64_t, std::vector<model::Prediction>> parts;
  data::SequenceLoader loader(dataset, resolution, batch_size);
  data::FrameBatch batch;
  while (loader.next(batch)) {
    auto p = base(batch);
    for (size_t i = 0; i < batch.seq.size(); ++i) {
      const auto row = static_cast<int64_t>(i);
      parts[batch.seq[i]].push_back(
          {p.rotmats.slice(0, row, row + 1).detach(), p.pose6d.slice(0, row, row + 1).detach(),
           p.betas.slice(0, row, row + 1).detach(), p.cam.slice(0, row, row + 1).detach()});
    }
  }
  auto optimised = std::make_shared<std::map<std::int64_t, model::Prediction>>();
  for (auto& [seq, frames] : parts) {
    model::Prediction initial;
    std::vector<at::Tensor> r, p6, b, c;
    for (auto& f : frames) {
      r.push_back(f.rotmats), p6.push_back(f.pose6d), b.push_back(f.betas), c.push_back(f.cam);
    }
    initial = {torch::cat(r), torch::cat(p6), torch::cat(b), torch::cat(c)};
    (*optimised)[seq] = optimise_sequence(body, initial, {}, {}, options).prediction;
  }
  return [optimised](const data::FrameBatch& frames) {
    std::vector<at::Tensor> r, p6, b, c;
    for (size_t i = 0; i < frames.seq.size(); ++i) {
      auto it = optimised->find(frames.seq[i]);
      if (it == optimised->end() || frames.frame[i] >= it->second.pose6d.size(0))
        throw Error("optimised predictor asked for a frame it has not seen")
            .found("sequence " + std::to_string(frames.seq[i]) + ", frame " +
                   std::to_string(frames.frame[i]));
      const auto t = frames.frame[i];
      r.push_back(it->second.rotmats[t]), p6.push_back(it->second.pose6d[t]);
      b.push_back(it->second.betas[t]), c.push_back(it->second.cam[t]);
    }
    return model::Prediction{torch::stack(r), torch::stack(p6), torch::stack(b), torch::stack(c)};
  };
}

}  // namespace motioncue::temporal
