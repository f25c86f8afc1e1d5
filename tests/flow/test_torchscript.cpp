#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/flow/estimator.h"
#include "nan_module.h"
#include "texture.h"

namespace motioncue::flow {
namespace {

const std::string kDir = std::string(MOTIONCUE_FIXTURES) + "/flow/";

TEST(TorchScriptEstimator, FollowsTheInputContract) {
  // probe.pt returns (zeros, flow) with flow x = red of image1, flow y = blue of image2.
  auto estimator = make_flow_estimator("torchscript:" + kDir + "probe.pt");
  cv::Mat a(5, 7, CV_8UC3, cv::Scalar(10, 20, 30)), b(5, 7, CV_8UC3, cv::Scalar(40, 50, 60));
  a.at<cv::Vec3b>(2, 3) = cv::Vec3b(1, 2, 255);  // BGR: red 255
  const cv::Mat f = estimator->compute(a, b);
  ASSERT_EQ(f.type(), CV_32FC2);
  ASSERT_EQ(f.size(), a.size());
  EXPECT_EQ(f.at<cv::Vec2f>(0, 0), cv::Vec2f(30, 40));  // red of a (BGR 30), blue of b (BGR 40)
  EXPECT_EQ(f.at<cv::Vec2f>(2, 3), cv::Vec2f(255, 40));
  EXPECT_EQ(f.at<cv::Vec2f>(4, 6), cv::Vec2f(30, 40));
}

TEST(TorchScriptEstimator, BatchedBothDirectionsEqualSingleCalls) {
  // probe.pt's output depends on both inputs, so a mixed-up batch would show.
  auto estimator = make_flow_estimator("torchscript:" + kDir + "probe.pt");
  std::vector<std::pair<cv::Mat, cv::Mat>> pairs;
  for (int i = 0; i < 7; ++i) {
    const cv::Size size = i == 3 ? cv::Size(6, 4) : cv::Size(7, 5);  // a size change mid-way
    pairs.emplace_back(testing::make_texture(size.width, size.height, 20 + i),
                       testing::make_texture(size.width, size.height, 40 + i));
  }
  const auto both = estimator->compute_both(pairs);
  ASSERT_EQ(both.size(), pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto& [a, b] = pairs[i];
    EXPECT_EQ(cv::norm(both[i].first, estimator->compute(a, b), cv::NORM_INF), 0.0) << i;
    EXPECT_EQ(cv::norm(both[i].second, estimator->compute(b, a), cv::NORM_INF), 0.0) << i;
    EXPECT_EQ(both[i].first.at<cv::Vec2f>(0, 0)[0], float(a.at<cv::Vec3b>(0, 0)[2])) << i;
  }
}

TEST(TorchScriptEstimator, ListOutputAndBothDirections) {
  auto estimator = make_flow_estimator("torchscript:" + kDir + "shift.pt");
  const cv::Mat a = testing::make_texture(48, 32, 1), b = testing::make_texture(48, 32, 2);
  const auto both = estimator->compute_both({{a, b}, {b, a}});
  ASSERT_EQ(both.size(), 2u);
  for (const auto& [fw, bw] : both)
    for (const cv::Mat* m : {&fw, &bw}) {
      ASSERT_EQ(m->size(), a.size());
      EXPECT_EQ(m->at<cv::Vec2f>(31, 47), cv::Vec2f(3, -2));
      EXPECT_EQ(m->at<cv::Vec2f>(0, 0), cv::Vec2f(3, -2));
    }
}

TEST(TorchScriptEstimator, KeyFollowsTheFileContent) {
  const auto probe = make_flow_estimator("torchscript:" + kDir + "probe.pt");
  const auto shift = make_flow_estimator("torchscript:" + kDir + "shift.pt");
  EXPECT_NE(probe->config_key(), shift->config_key());
  EXPECT_EQ(probe->config_key().rfind("torchscript:probe.pt:", 0), 0u) << probe->config_key();
  EXPECT_EQ(probe->config_key(),
            make_flow_estimator("torchscript:" + kDir + "probe.pt")->config_key());
}

TEST(TorchScriptEstimator, ClearErrors) {
  auto expect_error = [](const std::function<void()>& f, const std::string& words) {
    try {
      f();
      FAIL() << "no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  expect_error([] { make_flow_estimator("torchscript:" + kDir + "missing.pt"); }, "missing.pt");
  expect_error([] { make_flow_estimator("torchscript:" + kDir + "../npy"); }, "npy");
  expect_error([] { make_flow_estimator("torchscript:"); }, "torchscript:<path.pt>");
  auto bad = make_flow_estimator("torchscript:" + kDir + "bad_shape.pt");
  const cv::Mat a = testing::make_texture(16, 8, 1);
  expect_error([&] { bad->compute(a, a); }, "wrong shape");
  expect_error([&] { bad->compute(a, a); }, "bad_shape.pt");
}

// A module returning NaN flow used to be accepted: cached, then every pair it touched was
// dropped by refinement without a word. Its output is refused, naming the module file.
TEST(TorchScriptEstimator, NonFiniteFlowIsRefusedNamingTheFile) {
  testing::TempDir dir;
  const auto file = testing::write_nan_flow_module(dir / "nan_flow.pt");
  auto estimator = make_flow_estimator("torchscript:" + file.string());
  const cv::Mat a = testing::make_texture(16, 8, 1), b = testing::make_texture(16, 8, 2);
  // One pair: 2 x 8 x 16 values; both directions of two pairs: one batch of four.
  const std::vector<std::pair<std::function<void()>, std::string>> runs = {
      {[&] { estimator->compute(a, b); }, "found 256 of 256 values"},
      {[&] {
         estimator->compute_both({{a, b}, {b, a}});
       },
       "found 1024 of 1024 values"}};
  for (const auto& [run, count] : runs) {
    try {
      run();
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind(file.string() + ": the module's flow has non-finite values", 0), 0u)
          << what;
      EXPECT_NE(what.find(count), std::string::npos) << what;
    }
  }
}

}  // namespace
}  // namespace motioncue::flow
