#include "motioncue/flow/opencv_estimators.h"

#include <opencv2/core/version.hpp>
#include <opencv2/optflow.hpp>
#include <opencv2/video/tracking.hpp>

#include <functional>
#include <mutex>

#include "motioncue/core/error.h"

namespace motioncue::flow {

namespace {

// OpenCV's flow objects keep per-call buffers, so one object must not run two calls at once.
// The pool lends each call its own object and keeps it for the next call (creating DIS costs
// about as much as running it on a small crop).
class InstancePool {
 public:
  using Factory = std::function<cv::Ptr<cv::DenseOpticalFlow>()>;
  explicit InstancePool(Factory factory) : factory_(std::move(factory)) {}

  cv::Mat calc(const cv::Mat& grey1, const cv::Mat& grey2) const {
    cv::Ptr<cv::DenseOpticalFlow> algo;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        algo = free_.back();
        free_.pop_back();
      }
    }
    if (!algo) algo = factory_();
    cv::Mat flow;
    algo->calc(grey1, grey2, flow);
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(algo);
    return flow;
  }

 private:
  Factory factory_;
  mutable std::mutex mutex_;
  mutable std::vector<cv::Ptr<cv::DenseOpticalFlow>> free_;
};

class PooledEstimator : public FlowEstimator {
 public:
  PooledEstimator(std::string name, std::string key, InstancePool::Factory factory)
      : name_(std::move(name)), key_(std::move(key)), pool_(std::move(factory)) {}

  cv::Mat compute(const cv::Mat& i1, const cv::Mat& i2) const override {
    check_flow_inputs(i1, i2, name_);
    return pool_.calc(to_grey(i1), to_grey(i2));
  }
  std::string config_key() const override { return key_; }

 private:
  std::string name_, key_;
  InstancePool pool_;
};

class FarnebackEstimator : public FlowEstimator {
 public:
  cv::Mat compute(const cv::Mat& i1, const cv::Mat& i2) const override {
    check_flow_inputs(i1, i2, "farneback");
    cv::Mat flow;
    cv::calcOpticalFlowFarneback(to_grey(i1), to_grey(i2), flow, kPyrScale, kLevels, kWindow,
                                 kIterations, kPolyN, kPolySigma, 0);
    return flow;
  }
  std::string config_key() const override {
    return "farneback:pyr0.5:levels5:win15:iter3:polyn5:sigma1.1:opencv" CV_VERSION;
  }

 private:
  static constexpr double kPyrScale = 0.5;
  static constexpr int kLevels = 5, kWindow = 15, kIterations = 3, kPolyN = 5;
  static constexpr double kPolySigma = 1.1;
};

std::unique_ptr<FlowEstimator> make_dis(const std::string& name, int preset) {
  const std::string key = "dis:" + name.substr(4) + ":opencv" CV_VERSION;
  return std::make_unique<PooledEstimator>(name, key,
                                           [preset] { return cv::DISOpticalFlow::create(preset); });
}

}  // namespace

std::vector<std::string> opencv_estimator_names() {
  return {"dis-ultrafast", "dis-fast", "dis-medium", "farneback", "deepflow", "tvl1"};
}

std::unique_ptr<FlowEstimator> make_opencv_estimator(const std::string& name) {
  if (name == "dis-ultrafast") return make_dis(name, cv::DISOpticalFlow::PRESET_ULTRAFAST);
  if (name == "dis-fast") return make_dis(name, cv::DISOpticalFlow::PRESET_FAST);
  if (name == "dis-medium") return make_dis(name, cv::DISOpticalFlow::PRESET_MEDIUM);
  if (name == "farneback") return std::make_unique<FarnebackEstimator>();
  if (name == "deepflow")
    return std::make_unique<PooledEstimator>(name, "deepflow:default:opencv" CV_VERSION,
                                             [] { return cv::optflow::createOptFlow_DeepFlow(); });
  if (name == "tvl1")
    return std::make_unique<PooledEstimator>(name, "tvl1:default:opencv" CV_VERSION, [] {
      return cv::optflow::DualTVL1OpticalFlow::create();
    });
  return nullptr;
}

}  // namespace motioncue::flow
