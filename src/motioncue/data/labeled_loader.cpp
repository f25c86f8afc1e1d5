#include "motioncue/data/labeled_loader.h"

#include <torch/torch.h>

#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>

#include <cmath>
#include <string>

#include "motioncue/body/joint_sets.h"
#include "motioncue/core/error.h"
#include "motioncue/core/seed.h"
#include "motioncue/data/network_input.h"
#include "motioncue/data/prefetcher.h"
#include "motioncue/data/rng.h"
#include "motioncue/data/shuffled_stream.h"
#include "motioncue/geometry/crop.h"

namespace motioncue::data {
namespace {

void check_resolution(int resolution) {
  if (resolution < 8 || resolution > 4096)
    throw Error("crop resolution out of range")
        .expected("8..4096")
        .found(std::to_string(resolution));
}

}  // namespace

LabeledSample load_labeled_sample(const LabeledDataset& dataset, std::int64_t index, int resolution,
                                  const AugmentParams& augment) {
  check_resolution(resolution);
  geometry::PersonBox box = dataset.box(index);
  box.scale *= augment.scale;
  const double rot = augment.rotation_deg;
  cv::Mat crop = geometry::crop_image(dataset.image(index), box, resolution, rot);
  if (augment.flip) cv::flip(crop, crop, 1);
  const cv::Matx23d affine = geometry::crop_affine(box, resolution, rot);
  const auto& perm = body::flip_keypoint_permutation();
  const double r = resolution;

  LabeledSample s;
  s.image = to_network_input(crop, augment.gains);

  // 2D: full-image pixels -> crop pixels -> (mirrored) -> normalised [-1, 1].
  s.keypoints2d = torch::empty({kNumKeypoints, 3}, torch::kFloat32);
  float* kp2 = s.keypoints2d.data_ptr<float>();
  const float* part = dataset.keypoints2d(index);
  for (int j = 0; j < kNumKeypoints; ++j) {
    cv::Point2d p = geometry::apply_affine(affine, {part[3 * j], part[3 * j + 1]});
    if (augment.flip) p.x = r - p.x;
    const int dst = augment.flip ? perm[j] : j;
    kp2[3 * dst] = static_cast<float>(2.0 * p.x / r - 1.0);
    kp2[3 * dst + 1] = static_cast<float>(2.0 * p.y / r - 1.0);
    kp2[3 * dst + 2] = part[3 * j + 2];
  }

  // The crop's rotation as a camera-frame rotation about z: image (x, y) -> M (x, y) with
  // M = [c s; -s c] (geometry/crop.h), so an orthographic projection commutes with it.
  const double th = rot * M_PI / 180.0;
  const double c = std::cos(th), sn = std::sin(th);
  const cv::Matx33d rz(c, sn, 0, -sn, c, 0, 0, 0, 1);

  s.keypoints3d = torch::empty({kNumKeypoints, 4}, torch::kFloat32);
  float* kp3 = s.keypoints3d.data_ptr<float>();
  const float* S = dataset.keypoints3d(index);
  for (int j = 0; j < kNumKeypoints; ++j) {
    cv::Vec3d x = rz * cv::Vec3d(S[4 * j], S[4 * j + 1], S[4 * j + 2]);
    if (augment.flip) x[0] = -x[0];
    const int dst = augment.flip ? perm[j] : j;
    for (int k = 0; k < 3; ++k) kp3[4 * dst + k] = static_cast<float>(x[k]);
    kp3[4 * dst + 3] = S[4 * j + 3];
  }

  s.pose = torch::from_blob(const_cast<float*>(dataset.pose(index)), {kPoseDim}, torch::kFloat32)
               .clone();
  if (rot != 0.0) {
    float* pose = s.pose.data_ptr<float>();
    cv::Matx33d global;
    cv::Rodrigues(cv::Vec3d(pose[0], pose[1], pose[2]), global);
    cv::Vec3d turned;
    cv::Rodrigues(cv::Matx33d(rz * global), turned);
    for (int k = 0; k < 3; ++k) pose[k] = static_cast<float>(turned[k]);
  }
  if (augment.flip) s.pose = body::flip_pose(s.pose.unsqueeze(0)).squeeze(0).contiguous();
  s.betas = torch::from_blob(const_cast<float*>(dataset.betas(index)), {kBetaDim}, torch::kFloat32)
                .clone();
  s.has_smpl = dataset.has_smpl(index) ? 1.0f : 0.0f;
  return s;
}

LabeledBatch stack_samples(const std::vector<LabeledSample>& samples,
                           std::vector<std::int64_t> indices) {
  std::vector<at::Tensor> images, kp2, kp3, pose, betas;
  std::vector<float> has;
  for (const auto& s : samples) {
    images.push_back(s.image);
    kp2.push_back(s.keypoints2d);
    kp3.push_back(s.keypoints3d);
    pose.push_back(s.pose);
    betas.push_back(s.betas);
    has.push_back(s.has_smpl);
  }
  LabeledBatch b;
  b.images = torch::stack(images);
  b.keypoints2d = torch::stack(kp2);
  b.keypoints3d = torch::stack(kp3);
  b.pose = torch::stack(pose);
  b.betas = torch::stack(betas);
  b.has_smpl = torch::tensor(has, torch::kFloat32);
  b.indices = std::move(indices);
  return b;
}

LabeledBatch load_labeled(const LabeledDataset& dataset, const std::vector<std::int64_t>& indices,
                          int resolution) {
  if (indices.empty()) throw Error("load_labeled: no indices given");
  std::vector<LabeledSample> samples(indices.size());
  at::parallel_for(
      0, static_cast<std::int64_t>(indices.size()), 1, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t i = b; i < e; ++i)
          samples[static_cast<std::size_t>(i)] =
              load_labeled_sample(dataset, indices[static_cast<std::size_t>(i)], resolution, {});
      });
  return stack_samples(samples, indices);
}

LabeledLoader::LabeledLoader(const LabeledDataset& dataset, std::vector<std::int64_t> indices,
                             int batch_size, int resolution, Augmentation augment,
                             std::uint64_t seed, int workers, std::int64_t first_batch, Shard shard)
    : dataset_(dataset),
      indices_(std::move(indices)),
      batch_size_(batch_size),
      resolution_(resolution),
      shard_(shard),
      local_batch_(batch_size > 0 ? shard.local_batch(batch_size, "batch_size") : batch_size),
      augment_(augment),
      seed_(seed),
      first_batch_(first_batch) {
  if (indices_.empty()) throw Error("labeled loader: the index subset is empty");
  for (auto i : indices_)
    if (i < 0 || i >= dataset.size())
      throw Error("labeled loader: index out of range")
          .file(dataset.annotations_file().string())
          .expected("0.." + std::to_string(dataset.size() - 1))
          .found(std::to_string(i));
  if (batch_size_ <= 0)
    throw Error("batch size must be positive").found(std::to_string(batch_size_));
  if (workers < 0) throw Error("worker count must be >= 0").found(std::to_string(workers));
  if (first_batch_ < 0)
    throw Error("the first batch must be >= 0").found(std::to_string(first_batch_));
  check_resolution(resolution_);
  validate(augment_);
  order_ = std::make_unique<ShuffledStream>(static_cast<std::int64_t>(indices_.size()), seed_);
  prefetch_ = std::make_unique<OrderedPrefetcher<LabeledBatch>>(
      [this](std::int64_t k) { return make_batch(first_batch_ + k); }, workers,
      2 * std::max(workers, 1));
}

LabeledLoader::~LabeledLoader() = default;

LabeledBatch LabeledLoader::next() { return prefetch_->next(); }

std::int64_t LabeledLoader::batches_per_epoch() const {
  const auto n = static_cast<std::int64_t>(indices_.size());
  return (n + batch_size_ - 1) / batch_size_;
}

LabeledBatch LabeledLoader::make_batch(std::int64_t k) {
  std::vector<LabeledSample> samples;
  std::vector<std::int64_t> rows;
  for (int i = 0; i < local_batch_; ++i) {
    const std::int64_t g = shard_.position(k, i, batch_size_);
    const std::int64_t row = indices_[static_cast<std::size_t>(order_->at(g))];
    Rng rng(derive_seed(seed_, "labeled-augment", static_cast<std::uint64_t>(g)));
    samples.push_back(
        load_labeled_sample(dataset_, row, resolution_, sample_augmentation(augment_, rng)));
    rows.push_back(row);
  }
  return stack_samples(samples, std::move(rows));
}

}  // namespace motioncue::data
