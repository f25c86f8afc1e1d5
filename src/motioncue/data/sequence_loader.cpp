#include "motioncue/data/sequence_loader.h"

#include <torch/torch.h>

#include <string>

#include "motioncue/core/error.h"
#include "motioncue/data/network_input.h"
#include "motioncue/geometry/crop.h"

namespace motioncue::data {

SequenceLoader::SequenceLoader(const VideoDataset& dataset, int resolution, int batch_size)
    : dataset_(dataset), resolution_(resolution), batch_size_(batch_size) {
  if (batch_size <= 0) throw Error("batch size must be positive").found(std::to_string(batch_size));
  if (resolution < 8 || resolution > 4096)
    throw Error("crop resolution out of range")
        .expected("8..4096")
        .found(std::to_string(resolution));
}

bool SequenceLoader::next(FrameBatch& batch) {
  std::vector<std::int64_t> seqs, frames;
  while (static_cast<int>(seqs.size()) < batch_size_ && seq_ < dataset_.num_sequences()) {
    if (t_ >= dataset_.num_frames(seq_)) {
      ++seq_, t_ = 0;
      continue;
    }
    seqs.push_back(seq_);
    frames.push_back(t_++);
  }
  if (seqs.empty()) return false;
  const auto n = static_cast<std::int64_t>(seqs.size());
  std::vector<at::Tensor> images(seqs.size());
  at::parallel_for(0, n, 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      const auto k = static_cast<std::size_t>(i);
      const cv::Mat crop = geometry::crop_image(dataset_.frame(seqs[k], frames[k]),
                                                dataset_.box(seqs[k], frames[k]), resolution_);
      images[k] = to_network_input(crop);
    }
  });
  FrameBatch out;
  out.images = torch::stack(images);
  if (dataset_.has_ground_truth()) {
    out.gt_keypoints3d = torch::empty({n, 24, 3}, torch::kFloat32);
    out.gt_pose = torch::empty({n, 72}, torch::kFloat32);
    out.gt_betas = torch::empty({n, 10}, torch::kFloat32);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(i);
      const auto& a = dataset_.annotations(seqs[k]);
      const auto t = static_cast<std::size_t>(frames[k]);
      std::copy_n(&a.joints3d[t * 72], 72, out.gt_keypoints3d.data_ptr<float>() + i * 72);
      std::copy_n(&a.pose[t * 72], 72, out.gt_pose.data_ptr<float>() + i * 72);
      std::copy_n(&a.betas[t * 10], 10, out.gt_betas.data_ptr<float>() + i * 10);
    }
  }
  out.seq = std::move(seqs);
  out.frame = std::move(frames);
  batch = std::move(out);
  return true;
}

}  // namespace motioncue::data
