// Runs a user's exported flow network (e.g. RAFT, scripted or traced with PyTorch).
// Contract: module.forward(image1, image2) with float32 N x 3 x H x W RGB tensors in [0, 255]
// returns N x 2 x H x W flow in pixels (x, y), or a tuple/list whose last element is that (RAFT
// returns the flow of every iteration; the last is the final one). The inputs are put on the
// device of the module's first parameter (CPU for a module without parameters). Output of another
// shape, or with a NaN or infinite value, is an Error naming the module file.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "motioncue/flow/estimator.h"

namespace motioncue::flow {

class TorchScriptEstimator : public FlowEstimator {
 public:
  // Throws Error naming the file when it is missing or not a TorchScript archive.
  explicit TorchScriptEstimator(const std::filesystem::path& module_file);
  ~TorchScriptEstimator() override;

  cv::Mat compute(const cv::Mat& i1, const cv::Mat& i2) const override;
  // "torchscript:<file name>:<content hash>": retraining or replacing the file changes the key.
  std::string config_key() const override { return key_; }

 protected:
  // Runs the directions of pairs of one size as batches of up to kBatch images (the network
  // uses every core, or the GPU, itself).
  std::vector<std::pair<cv::Mat, cv::Mat>> compute_both_impl(
      const std::vector<std::pair<cv::Mat, cv::Mat>>& pairs) const override;

 private:
  static constexpr std::size_t kBatch = 8;
  // Flow for each (first, second) of `inputs` (all of one size), in one forward call.
  std::vector<cv::Mat> run_batch(
      const std::vector<std::pair<const cv::Mat*, const cv::Mat*>>& inputs) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path file_;
  std::string key_;
};

}  // namespace motioncue::flow
