// Dense optical-flow estimators behind one interface. A backend is chosen by name
// (make_flow_estimator); every backend returns flow from image 1 to image 2 as CV_32FC2 in pixels.
#pragma once

#include <opencv2/core.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace motioncue::flow {

class FlowEstimator {
 public:
  virtual ~FlowEstimator() = default;

  // Flow from i1 to i2: CV_32FC2, same size as the inputs, in pixels (x, y); flow(y, x) is the
  // displacement of the pixel at (x, y) of i1. Inputs CV_8UC3 BGR (CV_8UC1 grey is accepted too).
  // Throws Error when the inputs are empty, of another type, of different sizes, or of a size
  // the backend cannot take (unsupported_size); OpenCV's own failures become Errors too.
  virtual cv::Mat compute(const cv::Mat& i1, const cv::Mat& i2) const = 0;

  // Identifies the estimator and every setting that changes its output, e.g. "dis:medium:v1".
  // The flow cache keys on it, so it must change whenever the output may change.
  virtual std::string config_key() const = 0;

  // "" when the backend can take images of `size`, else the sizes it can take (for an Error):
  // OpenCV's DIS fails on small images and reads out of bounds on small thin ones. compute()
  // throws Error for such inputs; callers check their own sizes first to name the setting.
  virtual std::string unsupported_size(cv::Size /*size*/) const { return {}; }

  // Both directions for many pairs: (forward 1->2, backward 2->1) for each (i1, i2).
  // Parallel over pairs with TBB (or batched, for the TorchScript backend).
  std::vector<std::pair<cv::Mat, cv::Mat>> compute_both(
      const std::vector<std::pair<cv::Mat, cv::Mat>>& pairs) const;

 protected:
  // How compute_both runs: by default one TBB task per direction of each pair. Backends that
  // batch (TorchScript networks) override it; the result must equal compute() on each input.
  virtual std::vector<std::pair<cv::Mat, cv::Mat>> compute_both_impl(
      const std::vector<std::pair<cv::Mat, cv::Mat>>& pairs) const;
};

// Names: "dis-ultrafast", "dis-fast", "dis-medium" (OpenCV DIS presets), "farneback",
// "deepflow", "tvl1" (OpenCV contrib), "torchscript:<path.pt>" (a user's exported network).
// Throws Error listing the known names for an unknown one.
std::unique_ptr<FlowEstimator> make_flow_estimator(const std::string& name);
std::vector<std::string> flow_estimator_names();

// Where training and the studies name their flow source, "oracle" stands for a synthetic
// benchmark's exact flow (its ground-truth flow files) instead of an estimator.
bool is_oracle_flow(const std::string& source);
// A flow source name: "oracle", "torchscript:<file>" or an estimator name; anything else is an
// Error naming `key` and listing the names.
void check_flow_source(const std::string& source, const std::string& key);

// Checks a pair of estimator inputs (non-empty, CV_8UC3 or CV_8UC1, equal sizes and types);
// throws Error naming `who` (the estimator) otherwise.
void check_flow_inputs(const cv::Mat& i1, const cv::Mat& i2, const std::string& who);
// The inputs as 8-bit grey (the OpenCV backends' input).
cv::Mat to_grey(const cv::Mat& image);

}  // namespace motioncue::flow
