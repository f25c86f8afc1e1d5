// Runs a user's exported flow network (e.g. RAFT, scripted or traced with PyTorch).
// Contract: module.forward(image1, image2) with float32 N x 3 x H x W RGB tensors in [0, 255]
// returns N x 2 x H x W flow in pixels (x, y), or a tuple/list whose last element is that (RAFT
// returns the flow of every iteration; the last is the final one). The inputs are put on the
// device of the module's first parameter (CPU for a module without parameters).
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
  bool parallel_over_pairs() const override { return false; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path file_;
  std::string key_;
};

}  // namespace motioncue::flow
