#include "motioncue/data/pair_sampler.h"

#include <torch/torch.h>

#include <cmath>
#include <mutex>

#include "motioncue/core/error.h"
#include "motioncue/core/progress.h"
#include "motioncue/core/seed.h"
#include "motioncue/data/network_input.h"
#include "motioncue/data/prefetcher.h"
#include "motioncue/data/rng.h"
#include "motioncue/data/shuffled_stream.h"
#include "motioncue/flow/estimator.h"
#include "motioncue/flow/flow_cache.h"
#include "motioncue/flow/oracle.h"
#include "motioncue/flow/oracle_eval.h"
#include "motioncue/flow/pair_flow.h"
#include "motioncue/geometry/crop.h"

namespace motioncue::data {
namespace {

// CV_32FC2 (R x R) -> (2, R, R) float tensor. NaN (invalid ground truth) stays NaN: the flow
// loss drops the vertices that touch it, which zero motion would wrongly supervise.
at::Tensor flow_to_tensor(const cv::Mat& flow, int resolution) {
  if (flow.type() != CV_32FC2 || flow.rows != resolution || flow.cols != resolution)
    throw Error("flow has an unexpected size or type")
        .expected(std::to_string(resolution) + "x" + std::to_string(resolution) + " CV_32FC2")
        .found(std::to_string(flow.cols) + "x" + std::to_string(flow.rows) + " type " +
               std::to_string(flow.type()));
  at::Tensor out = torch::empty({2, resolution, resolution}, torch::kFloat32);
  float* fx = out.data_ptr<float>();
  float* fy = fx + static_cast<std::size_t>(resolution) * resolution;
  for (int y = 0; y < resolution; ++y) {
    const auto* row = flow.ptr<cv::Vec2f>(y);
    for (int x = 0; x < resolution; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * resolution + x;
      fx[i] = row[x][0];
      fy[i] = row[x][1];
    }
  }
  return out;
}

// Detected keypoints of frame t mapped into the crop of `box`, normalised to [-1, 1].
void crop_keypoints(const SequenceAnnotations& a, std::int64_t t, const cv::Matx23d& affine,
                    int resolution, float* out) {
  if (a.keypoints2d_detected.empty()) {
    std::fill(out, out + 24 * 3, 0.0f);
    return;
  }
  const float* kp = &a.keypoints2d_detected[static_cast<std::size_t>(t) * 24 * 3];
  const double r = resolution;
  for (int j = 0; j < 24; ++j) {
    const cv::Point2d p = geometry::apply_affine(affine, {kp[3 * j], kp[3 * j + 1]});
    out[3 * j] = static_cast<float>(2.0 * p.x / r - 1.0);
    out[3 * j + 1] = static_cast<float>(2.0 * p.y / r - 1.0);
    out[3 * j + 2] = kp[3 * j + 2];
  }
}

// Exact full-frame flow from frame `from` to frame `to` of a synthetic sequence, chaining the
// per-frame files (fw_t: t -> t + 1, bw_t: t -> t - 1) when the frames are not adjacent.
cv::Mat ground_truth_flow(const std::filesystem::path& dir, std::int64_t from, std::int64_t to) {
  const bool forward = to > from;
  const int step = forward ? 1 : -1;
  cv::Mat flow = flow::load_ground_truth_flow(dir, static_cast<int>(from), forward);
  for (std::int64_t t = from + step; t != to; t += step)
    flow =
        flow::compose_flow(flow, flow::load_ground_truth_flow(dir, static_cast<int>(t), forward));
  return flow;
}

void check_settings(int batch_size, int resolution, int gap) {
  if (batch_size <= 0) throw Error("batch size must be positive").found(std::to_string(batch_size));
  if (resolution < 8 || resolution > 4096)
    throw Error("crop resolution out of range")
        .expected("8..4096")
        .found(std::to_string(resolution));
  if (gap < 1) throw Error("frame gap must be at least 1").found(std::to_string(gap));
}

}  // namespace

std::vector<std::pair<std::int64_t, std::int64_t>> list_pairs(const VideoDataset& dataset, int gap,
                                                              int max_sequences) {
  std::int64_t nseq = dataset.num_sequences();
  if (max_sequences >= 0) nseq = std::min<std::int64_t>(nseq, max_sequences);
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  for (std::int64_t s = 0; s < nseq; ++s)
    for (std::int64_t t = 0; t + gap < dataset.num_frames(s); ++t) pairs.emplace_back(s, t);
  if (pairs.empty())
    throw Error("no frame pairs: every sequence is shorter than the gap")
        .file(dataset.split_dir().string())
        .expected("a sequence with more than " + std::to_string(gap) + " frames among the first " +
                  std::to_string(nseq));
  return pairs;
}

PairLoader::PairLoader(const VideoDataset& dataset, int batch_size, int resolution, int gap,
                       const std::string& flow_estimator, std::filesystem::path flow_cache_dir,
                       bool color_gains, std::uint64_t seed, int workers, int max_sequences,
                       int flow_resolution, std::int64_t first_batch, Shard shard)
    : dataset_(dataset),
      batch_size_(batch_size),
      resolution_(resolution),
      flow_resolution_(flow_resolution > 0 ? flow_resolution : resolution),
      gap_(gap),
      shard_(shard),
      oracle_(flow::is_oracle_flow(flow_estimator)),
      color_gains_(color_gains),
      keypoints_(dataset.has_detected_keypoints()),
      seed_(seed),
      first_batch_(first_batch) {
  check_settings(batch_size, resolution, gap);
  if (first_batch < 0)
    throw Error("the first batch must be >= 0").found(std::to_string(first_batch));
  check_settings(batch_size, flow_resolution_, gap);
  local_batch_ = shard.local_batch(batch_size, "pair_batch");
  if (workers < 0) throw Error("worker count must be >= 0").found(std::to_string(workers));
  if (max_sequences == 0) throw Error("max_sequences must be positive, or negative for all");
  pairs_ = list_pairs(dataset, gap, max_sequences);
  if (oracle_) {
    // Fail now, not in a worker, when the split has no ground-truth flow.
    const auto [s, t] = pairs_.front();
    const auto gt =
        flow::ground_truth_flow_path(dataset.sequence_dir(s), static_cast<int>(t), true);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(gt, ec))
      throw Error("oracle flow needs the ground-truth flow files of the sequences")
          .file(gt.string());
  } else {
    estimator_ = flow::make_flow_estimator(flow_estimator);
    if (!flow_cache_dir.empty()) cache_ = std::make_unique<flow::FlowCache>(flow_cache_dir);
  }
  order_ = std::make_unique<ShuffledStream>(static_cast<std::int64_t>(pairs_.size()), seed_);
  prefetch_ = std::make_unique<OrderedPrefetcher<PairBatch>>(
      [this](std::int64_t k) { return make_batch(first_batch_ + k); }, workers,
      2 * std::max(workers, 1));
}

PairLoader::~PairLoader() = default;

PairBatch PairLoader::next() { return prefetch_->next(); }

std::int64_t PairLoader::cache_hits() const { return cache_ ? cache_->hits() : 0; }
std::int64_t PairLoader::cache_misses() const { return cache_ ? cache_->misses() : 0; }

PairBatch PairLoader::make_batch(std::int64_t k) {
  const int n = local_batch_, r = resolution_, rf = flow_resolution_;
  std::vector<at::Tensor> im1(n), im2(n), cl1(n), cl2(n), fw(n), bw(n);
  PairBatch b;
  if (keypoints_) {
    b.keypoints1 = torch::empty({n, 24, 3}, torch::kFloat32);
    b.keypoints2 = torch::empty({n, 24, 3}, torch::kFloat32);
  }
  for (int i = 0; i < n; ++i) {
    const std::int64_t g = shard_.position(k, i, batch_size_);
    const auto [seq, t1] = pairs_[static_cast<std::size_t>(order_->at(g))];
    const std::int64_t t2 = t1 + gap_;
    const geometry::PersonBox box = dataset_.box(seq, t1);
    const cv::Mat frame1 = dataset_.frame(seq, t1), frame2 = dataset_.frame(seq, t2);
    const cv::Mat crop1 = geometry::crop_image(frame1, box, r);
    const cv::Mat crop2 = geometry::crop_image(frame2, box, r);

    std::array<float, 3> gains1{1, 1, 1}, gains2{1, 1, 1};
    if (color_gains_) {
      Rng rng(derive_seed(seed_, "pair-gains", static_cast<std::uint64_t>(g)));
      for (auto& v : gains1) v = static_cast<float>(rng.uniform(0.6, 1.4));
      for (auto& v : gains2) v = static_cast<float>(rng.uniform(0.6, 1.4));
    }
    im1[i] = to_network_input(crop1, gains1);
    im2[i] = to_network_input(crop2, gains2);
    if (rf == r) {
      cl1[i] = to_rgb_tensor(crop1);
      cl2[i] = to_rgb_tensor(crop2);
    } else {
      cl1[i] = to_rgb_tensor(geometry::crop_image(frame1, box, rf));
      cl2[i] = to_rgb_tensor(geometry::crop_image(frame2, box, rf));
    }

    if (oracle_) {
      const auto& dir = dataset_.sequence_dir(seq);
      fw[i] = flow_to_tensor(flow::crop_flow(ground_truth_flow(dir, t1, t2), box, rf), rf);
      bw[i] = flow_to_tensor(flow::crop_flow(ground_truth_flow(dir, t2, t1), box, rf), rf);
    } else {
      const flow::PairFlow pf = flow::compute_pair_flow(
          frame1, frame2, box, rf, *estimator_, cache_.get(), dataset_.frame_path(seq, t1).string(),
          dataset_.frame_path(seq, t2).string());
      fw[i] = flow_to_tensor(pf.forward, rf);
      bw[i] = flow_to_tensor(pf.backward, rf);
    }

    if (keypoints_) {
      const cv::Matx23d affine = geometry::crop_affine(box, r);
      const auto& ann = dataset_.annotations(seq);
      crop_keypoints(ann, t1, affine, r, b.keypoints1.data_ptr<float>() + i * 72);
      crop_keypoints(ann, t2, affine, r, b.keypoints2.data_ptr<float>() + i * 72);
    }
    b.seq.push_back(seq);
    b.t1.push_back(t1);
    b.t2.push_back(t2);
  }
  b.images1 = torch::stack(im1);
  b.images2 = torch::stack(im2);
  b.clean1 = torch::stack(cl1);
  b.clean2 = torch::stack(cl2);
  b.flow_fw = torch::stack(fw);
  b.flow_bw = torch::stack(bw);
  return b;
}

PrecomputeStats precompute_pair_flows(const VideoDataset& dataset, int resolution, int gap,
                                      const std::string& estimator_name,
                                      const std::filesystem::path& cache_dir) {
  check_settings(1, resolution, gap);
  if (flow::is_oracle_flow(estimator_name))
    throw Error("ground-truth (oracle) flow is read from the sequences, not precomputed")
        .key("estimator");
  if (cache_dir.empty()) throw Error("precomputing flow needs a cache folder");
  const auto estimator = flow::make_flow_estimator(estimator_name);
  const flow::FlowCache cache(cache_dir);
  // Same frame identities (the frame files) and crops as PairLoader, so it finds these entries.
  Progress progress("flow " + estimator_name, pair_count(dataset, gap), "pairs");
  std::mutex progress_mutex;
  const auto stats = precompute_flow(dataset, *estimator, cache, resolution, gap, [&] {
    std::lock_guard<std::mutex> lock(progress_mutex);
    progress.advance();
  });
  progress.finish();
  return stats;
}

}  // namespace motioncue::data
