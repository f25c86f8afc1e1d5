#include "motioncue/flow/opencv_estimators.h"

#include <opencv2/core/version.hpp>
#include <opencv2/optflow.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>
#include <functional>
#include <mutex>

#include "motioncue/core/error.h"

namespace motioncue::flow {

namespace {

// OpenCV's own failures (cv::Exception, a multi-line text with a source path) as one-line Errors
// naming the estimator and the input size.
template <class F>
cv::Mat run_opencv_flow(const std::string& who, const cv::Mat& grey1, F&& calc) {
  try {
    return calc();
  } catch (const cv::Exception& e) {
    throw Error(who + ": OpenCV failed: " + e.err)
        .found(std::to_string(grey1.cols) + "x" + std::to_string(grey1.rows) + " images");
  }
}

// OpenCV's flow objects keep per-call buffers, so one object must not run two calls at once.
// The pool lends each call its own object and keeps it for the next call (creating DIS costs
// about as much as running it on a small crop). `reset` (may be empty) restores an object's
// settings before each call: DIS rewrites its own patch size and finest scale when it meets a
// small image, which would change every later result of that object.
class InstancePool {
 public:
  using Factory = std::function<cv::Ptr<cv::DenseOpticalFlow>()>;
  using Reset = std::function<void(cv::DenseOpticalFlow&)>;
  InstancePool(Factory factory, Reset reset)
      : factory_(std::move(factory)), reset_(std::move(reset)) {}

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
    if (reset_) reset_(*algo);
    cv::Mat flow;
    algo->calc(grey1, grey2, flow);
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(algo);
    return flow;
  }

 private:
  Factory factory_;
  Reset reset_;
  mutable std::mutex mutex_;
  mutable std::vector<cv::Ptr<cv::DenseOpticalFlow>> free_;
};

// What a backend cannot take: "" when `size` is fine, else the sizes it can (for an Error).
using SizeRule = std::function<std::string(cv::Size)>;

class PooledEstimator : public FlowEstimator {
 public:
  PooledEstimator(std::string name, std::string key, InstancePool::Factory factory,
                  InstancePool::Reset reset = {}, SizeRule size_rule = {})
      : name_(std::move(name)),
        key_(std::move(key)),
        pool_(std::move(factory), std::move(reset)),
        size_rule_(std::move(size_rule)) {}

  cv::Mat compute(const cv::Mat& i1, const cv::Mat& i2) const override {
    check_flow_inputs(i1, i2, name_);
    const std::string expected = unsupported_size(i1.size());
    if (!expected.empty())
      throw Error(name_ + ": the images are too small or too thin for this estimator")
          .expected(expected)
          .found(std::to_string(i1.cols) + "x" + std::to_string(i1.rows));
    const cv::Mat g1 = to_grey(i1), g2 = to_grey(i2);
    return run_opencv_flow(name_, g1, [&] { return pool_.calc(g1, g2); });
  }
  std::string config_key() const override { return key_; }
  std::string unsupported_size(cv::Size size) const override {
    return size_rule_ ? size_rule_(size) : std::string();
  }

 private:
  std::string name_, key_;
  InstancePool pool_;
  SizeRule size_rule_;
};

class FarnebackEstimator : public FlowEstimator {
 public:
  cv::Mat compute(const cv::Mat& i1, const cv::Mat& i2) const override {
    check_flow_inputs(i1, i2, "farneback");
    const cv::Mat g1 = to_grey(i1), g2 = to_grey(i2);
    return run_opencv_flow("farneback", g1, [&] {
      cv::Mat flow;
      cv::calcOpticalFlowFarneback(g1, g2, flow, kPyrScale, kLevels, kWindow, kIterations, kPolyN,
                                   kPolySigma, 0);
      return flow;
    });
  }
  std::string config_key() const override {
    return "farneback:pyr0.5:levels5:win15:iter3:polyn5:sigma1.1:opencv" CV_VERSION;
  }

 private:
  static constexpr double kPyrScale = 0.5;
  static constexpr int kLevels = 5, kWindow = 15, kIterations = 3, kPolyN = 5;
  static constexpr double kPolySigma = 1.1;
};

// OpenCV 4.6's DIS throws on images under 12 pixels, and on small images much wider than tall it
// re-picks its pyramid from the width alone and reads out of bounds (a segmentation fault, e.g.
// 40x8 or 96x16). Measured over every size up to 40 and wide strips up to 8000 pixels, all three
// presets run cleanly when both sides are >= 32, or >= 12 with the longer side at most twice the
// shorter (every square crop from 12 up); anything else is refused before OpenCV sees it.
std::string dis_size_rule(cv::Size size) {
  const int lo = std::min(size.width, size.height), hi = std::max(size.width, size.height);
  if (lo >= 32 || (lo >= 12 && hi <= 2 * lo)) return {};
  return "both sides >= 32 pixels, or >= 12 with the longer at most twice the shorter";
}

std::unique_ptr<FlowEstimator> make_dis(const std::string& name, int preset) {
  const std::string key = "dis:" + name.substr(4) + ":opencv" CV_VERSION;
  // The preset's own settings, put back before every call (see InstancePool).
  const auto fresh = cv::DISOpticalFlow::create(preset);
  const int patch = fresh->getPatchSize(), finest = fresh->getFinestScale();
  return std::make_unique<PooledEstimator>(
      name, key, [preset] { return cv::DISOpticalFlow::create(preset); },
      [patch, finest](cv::DenseOpticalFlow& algo) {
        auto& dis = static_cast<cv::DISOpticalFlow&>(algo);
        dis.setPatchSize(patch);
        dis.setFinestScale(finest);
      },
      dis_size_rule);
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
