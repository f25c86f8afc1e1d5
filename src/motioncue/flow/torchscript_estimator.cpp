#include "motioncue/flow/torchscript_estimator.h"

#include <torch/script.h>

#include <opencv2/imgproc.hpp>

#include <cstdio>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/hash.h"

namespace motioncue::flow {

struct TorchScriptEstimator::Impl {
  mutable torch::jit::Module module;
  torch::Device device{torch::kCPU};
};

TorchScriptEstimator::TorchScriptEstimator(const std::filesystem::path& module_file)
    : impl_(std::make_unique<Impl>()), file_(module_file) {
  require_regular_file(module_file);
  const auto bytes = read_file_bytes(module_file);
  try {
    impl_->module = torch::jit::load(module_file.string());
  } catch (const c10::Error& e) {
    throw Error("not a loadable TorchScript module: " + std::string(e.what_without_backtrace()))
        .file(module_file.string());
  }
  impl_->module.eval();
  for (const auto& p : impl_->module.parameters()) {
    impl_->device = p.device();
    break;
  }
  key_ = "torchscript:" + module_file.filename().string() + ":" +
         hex64(fnv1a64(bytes.data(), bytes.size()));
}

TorchScriptEstimator::~TorchScriptEstimator() = default;

namespace {

torch::Tensor to_rgb_tensor(const cv::Mat& image) {
  cv::Mat rgb;
  if (image.channels() == 1)
    cv::cvtColor(image, rgb, cv::COLOR_GRAY2RGB);
  else
    cv::cvtColor(image, rgb, cv::COLOR_BGR2RGB);
  // H x W x 3 uint8 -> 1 x 3 x H x W float in [0, 255].
  return torch::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, torch::kUInt8)
      .permute({2, 0, 1})
      .to(torch::kFloat32)
      .unsqueeze(0)
      .contiguous();
}

}  // namespace

cv::Mat TorchScriptEstimator::compute(const cv::Mat& i1, const cv::Mat& i2) const {
  check_flow_inputs(i1, i2, "torchscript");
  return run_batch({{&i1, &i2}})[0];
}

std::vector<std::pair<cv::Mat, cv::Mat>> TorchScriptEstimator::compute_both_impl(
    const std::vector<std::pair<cv::Mat, cv::Mat>>& pairs) const {
  // Directions in order: 2k = forward of pair k, 2k + 1 = its backward.
  std::vector<std::pair<const cv::Mat*, const cv::Mat*>> all;
  for (const auto& [a, b] : pairs) {
    check_flow_inputs(a, b, "torchscript");
    all.emplace_back(&a, &b);
    all.emplace_back(&b, &a);
  }
  std::vector<cv::Mat> flows(all.size());
  std::size_t i = 0;
  while (i < all.size()) {
    // A batch: the next run of inputs of the same size and type, at most kBatch long.
    std::size_t j = i + 1;
    while (j < all.size() && j - i < kBatch && all[j].first->size() == all[i].first->size() &&
           all[j].first->type() == all[i].first->type())
      ++j;
    const std::vector<std::pair<const cv::Mat*, const cv::Mat*>> batch(all.begin() + long(i),
                                                                       all.begin() + long(j));
    auto out = run_batch(batch);
    for (std::size_t k = i; k < j; ++k) flows[k] = std::move(out[k - i]);
    i = j;
  }
  std::vector<std::pair<cv::Mat, cv::Mat>> result(pairs.size());
  for (std::size_t k = 0; k < pairs.size(); ++k)
    result[k] = {std::move(flows[2 * k]), std::move(flows[2 * k + 1])};
  return result;
}

std::vector<cv::Mat> TorchScriptEstimator::run_batch(
    const std::vector<std::pair<const cv::Mat*, const cv::Mat*>>& inputs) const {
  torch::InferenceMode guard;
  std::vector<torch::Tensor> firsts, seconds;
  for (const auto& [a, b] : inputs) {
    firsts.push_back(to_rgb_tensor(*a));
    seconds.push_back(to_rgb_tensor(*b));
  }
  const auto a = torch::cat(firsts).to(impl_->device);
  const auto b = torch::cat(seconds).to(impl_->device);
  const int rows = inputs[0].first->rows, cols = inputs[0].first->cols;
  const auto n = std::int64_t(inputs.size());
  c10::IValue out;
  try {
    out = impl_->module.forward({a, b});
  } catch (const std::exception& e) {
    throw Error("the TorchScript flow module failed: " + std::string(e.what()))
        .file(file_.string());
  }
  if (out.isTuple()) {
    const auto& elements = out.toTupleRef().elements();
    if (elements.empty()) throw Error("the module returned an empty tuple").file(file_.string());
    out = elements.back();
  } else if (out.isList()) {
    const auto list = out.toList();
    if (list.empty()) throw Error("the module returned an empty list").file(file_.string());
    out = list.get(list.size() - 1);
  }
  if (!out.isTensor())
    throw Error("the module returned no tensor")
        .file(file_.string())
        .expected("a N x 2 x H x W tensor, or a tuple/list ending with one")
        .found(out.tagKind());
  const auto flow = out.toTensor();
  const std::vector<int64_t> want{n, 2, rows, cols};
  if (flow.sizes().vec() != want) {
    std::string found = "(";
    for (auto s : flow.sizes()) found += std::to_string(s) + ",";
    found.back() = ')';
    throw Error("the module's flow has the wrong shape")
        .file(file_.string())
        .expected("(" + std::to_string(n) + ",2," + std::to_string(rows) + "," +
                  std::to_string(cols) + ")")
        .found(found);
  }
  const auto nhwc = flow.permute({0, 2, 3, 1}).to(torch::kCPU, torch::kFloat32).contiguous();
  // NaN or infinite flow is a broken network, not motion: cached, it would make every pair it
  // touches unusable downstream without a word.
  const auto bad = (~torch::isfinite(nhwc)).sum().item<std::int64_t>();
  if (bad > 0)
    throw Error("the module's flow has non-finite values (NaN or infinity)")
        .file(file_.string())
        .expected("finite flow in pixels")
        .found(std::to_string(bad) + " of " + std::to_string(nhwc.numel()) + " values");
  std::vector<cv::Mat> result;
  for (std::int64_t k = 0; k < n; ++k) {
    cv::Mat m(rows, cols, CV_32FC2);
    std::memcpy(m.data, nhwc[k].data_ptr<float>(), sizeof(float) * 2 * std::size_t(rows) * cols);
    result.push_back(m);
  }
  return result;
}

}  // namespace motioncue::flow
