#include "motioncue/flow/torchscript_estimator.h"

#include <torch/script.h>

#include <opencv2/imgproc.hpp>

#include <cstdio>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/flow/hash.h"

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
  torch::InferenceMode guard;
  const auto a = to_rgb_tensor(i1).to(impl_->device);
  const auto b = to_rgb_tensor(i2).to(impl_->device);
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
  const std::vector<int64_t> want{1, 2, i1.rows, i1.cols};
  if (flow.sizes().vec() != want) {
    std::string found = "(";
    for (auto s : flow.sizes()) found += std::to_string(s) + ",";
    found.back() = ')';
    throw Error("the module's flow has the wrong shape")
        .file(file_.string())
        .expected("(1,2," + std::to_string(i1.rows) + "," + std::to_string(i1.cols) + ")")
        .found(found);
  }
  const auto hwc = flow[0].permute({1, 2, 0}).to(torch::kCPU, torch::kFloat32).contiguous();
  cv::Mat result(i1.rows, i1.cols, CV_32FC2);
  std::memcpy(result.data, hwc.data_ptr<float>(), sizeof(float) * 2 * i1.rows * i1.cols);
  return result;
}

}  // namespace motioncue::flow
