// On-disk cache of the flow of a pair of crops: one float16 .npy (H x W x 2) per key, under
// <dir>/<2 hex>/<32 hex>.npy. The file name is a 128-bit hash of everything that determines the
// flow: both frame identities, the crop, the estimator's config_key and the direction. A frame
// identity that names an existing file (or "file#index" for a frame inside a video file) also
// contributes the file's size and modification time, so a changed frame never reuses stale flow.
// Writes are atomic (temp file + rename), so concurrent readers and writers, threads or
// processes, never see a partial file; a corrupt entry is ignored (a miss) and overwritten.
#pragma once

#include <opencv2/core.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace motioncue::flow {

// Where a benchmark's flow cache lives unless a folder is named: <root>/.flow_cache. `flow --data`
// fills it, refine and the demo read it.
std::filesystem::path default_flow_cache(const std::filesystem::path& benchmark_root);

class FlowCache {
 public:
  explicit FlowCache(std::filesystem::path dir);

  struct Key {
    std::string frame1, frame2;  // identities, e.g. the frame files' paths
    std::string crop;            // e.g. "cx,cy,scale,res" (crop_key)
    std::string estimator;       // FlowEstimator::config_key()
    bool forward = true;         // true: frame1 -> frame2; false: frame2 -> frame1
  };

  std::optional<cv::Mat> get(const Key& key) const;  // CV_32FC2; counts a hit or a miss
  void put(const Key& key, const cv::Mat& flow) const;
  // get(), or compute() then put() on a miss.
  cv::Mat get_or_compute(const Key& key, const std::function<cv::Mat()>& compute) const;

  std::int64_t hits() const { return hits_; }
  std::int64_t misses() const { return misses_; }

  const std::filesystem::path& dir() const { return dir_; }
  // The file that holds (or would hold) this key's flow.
  std::filesystem::path path_for(const Key& key) const;
  // The text that is hashed into the file name (frame identities resolved to path|size|mtime).
  static std::string canonical_key(const Key& key);

 private:
  std::filesystem::path dir_;
  mutable std::atomic<std::int64_t> hits_{0}, misses_{0};
};

// The flow as the cache stores it (each value rounded to float16); CV_32FC2.
cv::Mat round_to_half(const cv::Mat& flow);

// A frame's identity for the cache: the string itself, or, when it names a file (or
// "file#index"), the canonical path plus size and modification time.
std::string frame_identity(const std::string& frame);

}  // namespace motioncue::flow
