#include "motioncue/flow/estimator.h"

#include <algorithm>

#include <tbb/parallel_for.h>

#include <opencv2/imgproc.hpp>

#include "motioncue/core/error.h"
#include "motioncue/flow/opencv_estimators.h"
#include "motioncue/flow/torchscript_estimator.h"

namespace motioncue::flow {

namespace {

std::string describe(const cv::Mat& m) {
  return std::to_string(m.cols) + "x" + std::to_string(m.rows) + " " + cv::typeToString(m.type());
}

const char* kTorchScriptPrefix = "torchscript:";

}  // namespace

void check_flow_inputs(const cv::Mat& i1, const cv::Mat& i2, const std::string& who) {
  if (i1.empty() || i2.empty()) throw Error(who + ": empty input image");
  for (const cv::Mat* m : {&i1, &i2})
    if (m->type() != CV_8UC3 && m->type() != CV_8UC1)
      throw Error(who + ": unsupported image type")
          .expected("CV_8UC3 (BGR) or CV_8UC1")
          .found(cv::typeToString(m->type()));
  if (i1.size() != i2.size() || i1.type() != i2.type())
    throw Error(who + ": the two images differ in size or type")
        .expected(describe(i1))
        .found(describe(i2));
}

cv::Mat to_grey(const cv::Mat& image) {
  if (image.channels() == 1) return image;
  cv::Mat grey;
  cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
  return grey;
}

std::vector<std::pair<cv::Mat, cv::Mat>> FlowEstimator::compute_both(
    const std::vector<std::pair<cv::Mat, cv::Mat>>& pairs) const {
  return compute_both_impl(pairs);
}

std::vector<std::pair<cv::Mat, cv::Mat>> FlowEstimator::compute_both_impl(
    const std::vector<std::pair<cv::Mat, cv::Mat>>& pairs) const {
  std::vector<std::pair<cv::Mat, cv::Mat>> out(pairs.size());
  // Each direction is its own task: a single pair still uses two cores.
  tbb::parallel_for(std::size_t{0}, 2 * pairs.size(), [&](std::size_t task) {
    const auto& [a, b] = pairs[task / 2];
    if (task % 2 == 0)
      out[task / 2].first = compute(a, b);
    else
      out[task / 2].second = compute(b, a);
  });
  return out;
}

std::unique_ptr<FlowEstimator> make_flow_estimator(const std::string& name) {
  if (name.rfind(kTorchScriptPrefix, 0) == 0) {
    const std::string path = name.substr(std::string(kTorchScriptPrefix).size());
    if (path.empty())
      throw Error("the torchscript estimator needs a file").expected("torchscript:<path.pt>");
    return std::make_unique<TorchScriptEstimator>(path);
  }
  if (auto e = make_opencv_estimator(name)) return e;
  std::string known;
  for (const auto& n : flow_estimator_names()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown flow estimator").expected(known).found(name);
}

bool is_oracle_flow(const std::string& source) { return source == "oracle"; }

void check_flow_source(const std::string& source, const std::string& key) {
  if (is_oracle_flow(source) || source.rfind(kTorchScriptPrefix, 0) == 0) return;
  const auto names = flow_estimator_names();
  if (std::find(names.begin(), names.end(), source) != names.end()) return;
  std::string known = "oracle";
  for (const auto& n : names) known += ", " + n;
  throw Error("unknown flow estimator").key(key).expected(known).found(source);
}

std::vector<std::string> flow_estimator_names() {
  auto names = opencv_estimator_names();
  names.push_back("torchscript:<path.pt>");
  return names;
}

}  // namespace motioncue::flow
