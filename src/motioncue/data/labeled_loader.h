// Labeled training batches: crops of the person box, augmented (docs/METHOD.md section 5), with the
// labels transformed consistently, made on worker threads ahead of the trainer.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "motioncue/data/augmentation.h"
#include "motioncue/data/labeled_dataset.h"
#include "motioncue/data/shard.h"

namespace motioncue::data {

class ShuffledStream;
template <class T>
class OrderedPrefetcher;

struct LabeledBatch {
  at::Tensor images;       // (N, 3, R, R) float, ImageNet-normalised RGB
  at::Tensor keypoints2d;  // (N, 24, 3): normalised crop coordinates u_n = 2u/R - 1, + confidence
  at::Tensor keypoints3d;  // (N, 24, 4): metres, camera frame turned with the crop, + confidence
  at::Tensor pose;         // (N, 72) axis-angle; global orientation turned with the crop
  at::Tensor betas;        // (N, 10)
  at::Tensor has_smpl;     // (N) float, 1 where pose/betas are valid
  std::vector<std::int64_t> indices;  // dataset rows
};

// One sample, cropped and transformed with the given augmentation draw. The image rotation, the
// rotation of the 2D keypoints, of the 3D keypoints (about the camera's z axis) and of the global
// orientation are the same rotation; the flip mirrors u, negates camera x, swaps left and right
// (body::flip_keypoint_permutation) and mirrors the pose (body::flip_pose). Tensors as in
// LabeledBatch without the batch dimension.
struct LabeledSample {
  at::Tensor image, keypoints2d, keypoints3d, pose, betas;
  float has_smpl = 0;
};
LabeledSample load_labeled_sample(const LabeledDataset& dataset, std::int64_t index, int resolution,
                                  const AugmentParams& augment);

// Rows `indices` without augmentation, in that order (evaluation-style access).
LabeledBatch load_labeled(const LabeledDataset& dataset, const std::vector<std::int64_t>& indices,
                          int resolution);

// Endless shuffled batches of `batch_size` drawn from `indices` (every epoch a new order; an
// epoch boundary may fall inside a batch). Sample g of the stream is augmented with an Rng seeded
// from (seed, g), so the batches depend only on the seed, never on the number of workers or on
// thread timing. The stream starts at batch `first_batch` (a resumed run skips the batches it has
// trained on). With a `shard`, `batch_size` is the global batch and this loader makes the shard's
// slice of each (shard.h). `dataset` must outlive the loader.
class LabeledLoader {
 public:
  LabeledLoader(const LabeledDataset& dataset, std::vector<std::int64_t> indices, int batch_size,
                int resolution, Augmentation augment, std::uint64_t seed, int workers = 2,
                std::int64_t first_batch = 0, Shard shard = {});
  ~LabeledLoader();
  LabeledLoader(const LabeledLoader&) = delete;
  LabeledLoader& operator=(const LabeledLoader&) = delete;

  LabeledBatch next();
  std::int64_t batches_per_epoch() const;

 private:
  LabeledBatch make_batch(std::int64_t k);

  const LabeledDataset& dataset_;
  std::vector<std::int64_t> indices_;
  int batch_size_, resolution_;
  Shard shard_;
  int local_batch_;
  Augmentation augment_;
  std::uint64_t seed_;
  std::int64_t first_batch_;
  std::unique_ptr<ShuffledStream> order_;
  std::unique_ptr<OrderedPrefetcher<LabeledBatch>> prefetch_;  // last: stopped first
};

// Stacks samples into a batch (used by the loaders and by tests).
LabeledBatch stack_samples(const std::vector<LabeledSample>& samples,
                           std::vector<std::int64_t> indices);

}  // namespace motioncue::data
