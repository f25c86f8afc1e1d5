#include <gtest/gtest.h>

#include <tbb/parallel_for.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "../support/temp_dir.h"
#include "motioncue/core/files.h"
#include "motioncue/flow/flow_cache.h"

namespace motioncue::flow {
namespace {

namespace fs = std::filesystem;

cv::Mat ramp_flow(int h, int w, float offset) {
  cv::Mat f(h, w, CV_32FC2);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) f.at<cv::Vec2f>(y, x) = cv::Vec2f(0.25f * x + offset, -0.5f * y);
  return f;
}

FlowCache::Key key_for(const std::string& f1, const std::string& f2) {
  return {f1, f2, "100,120,1.5,224", "dis:medium:opencv4.6.0", true};
}

TEST(FlowCache, MissThenHitReturnsTheStoredFlow) {
  testing::TempDir dir;
  FlowCache cache(dir / "cache");
  const auto key = key_for("a.png", "b.png");
  EXPECT_FALSE(cache.get(key).has_value());
  EXPECT_EQ(cache.misses(), 1);

  int computed = 0;
  const cv::Mat flow = ramp_flow(6, 5, 1.0f);
  const cv::Mat first = cache.get_or_compute(key, [&] {
    ++computed;
    return flow;
  });
  const cv::Mat second = cache.get_or_compute(key, [&] {
    ++computed;
    return flow;
  });
  EXPECT_EQ(computed, 1);
  EXPECT_EQ(cache.hits(), 1);
  EXPECT_EQ(cache.misses(), 2);
  ASSERT_EQ(second.type(), CV_32FC2);
  ASSERT_EQ(second.size(), flow.size());
  EXPECT_EQ(cv::norm(first, second, cv::NORM_INF), 0.0);        // a miss returns what a hit will
  EXPECT_LE(cv::norm(second, flow, cv::NORM_INF), 1.0 / 1024);  // float16 of values < 2

  // Stored as float16 H x W x 2 .npy.
  const auto bytes = read_file_bytes(cache.path_for(key));
  const std::string header(bytes.begin(), bytes.begin() + 80);
  EXPECT_NE(header.find("'<f2'"), std::string::npos) << header;
  EXPECT_NE(header.find("(6, 5, 2)"), std::string::npos) << header;
}

TEST(FlowCache, EveryKeyFieldSeparatesEntries) {
  testing::TempDir dir;
  FlowCache cache(dir.path());
  const auto base = key_for("a.png", "b.png");
  cache.put(base, ramp_flow(4, 4, 0));
  auto changed = [&](auto edit) {
    auto k = base;
    edit(k);
    return cache.get(k).has_value();
  };
  EXPECT_FALSE(changed([](auto& k) { k.frame1 = "c.png"; }));
  EXPECT_FALSE(changed([](auto& k) { k.frame2 = "c.png"; }));
  EXPECT_FALSE(changed([](auto& k) { k.crop = "100,120,1.5,256"; }));
  EXPECT_FALSE(changed([](auto& k) { k.estimator = "dis:fast:opencv4.6.0"; }));
  EXPECT_FALSE(changed([](auto& k) { k.forward = false; }));
  EXPECT_FALSE(changed([](auto& k) { std::swap(k.frame1, k.frame2); }));
  EXPECT_TRUE(changed([](auto&) {}));
}

TEST(FlowCache, ChangedFrameFileInvalidates) {
  testing::TempDir dir;
  FlowCache cache(dir / "cache");
  const fs::path f1 = dir / "f1.png", f2 = dir / "f2.png";
  write_file_atomic(f1, std::string("frame one"));
  write_file_atomic(f2, std::string("frame two"));
  const auto key = key_for(f1.string(), f2.string());
  cache.put(key, ramp_flow(3, 3, 0));
  EXPECT_TRUE(cache.get(key).has_value());

  // Same path, new content (a different size) -> a different key.
  write_file_atomic(f2, std::string("frame two, re-rendered"));
  EXPECT_FALSE(cache.get(key).has_value());

  // Same size, touched later: the modification time alone invalidates too.
  cache.put(key, ramp_flow(3, 3, 0));
  EXPECT_TRUE(cache.get(key).has_value());
  fs::last_write_time(f1, fs::last_write_time(f1) + std::chrono::seconds(5));
  EXPECT_FALSE(cache.get(key).has_value());

  // A frame inside a video file ("file#index") follows the video file.
  const fs::path video = dir / "clip.mp4";
  write_file_atomic(video, std::string("video"));
  const auto vkey = key_for(video.string() + "#3", video.string() + "#4");
  cache.put(vkey, ramp_flow(3, 3, 0));
  EXPECT_TRUE(cache.get(vkey).has_value());
  write_file_atomic(video, std::string("video, edited"));
  EXPECT_FALSE(cache.get(vkey).has_value());
}

TEST(FlowCache, CorruptEntryIsAMissAndGetsRepaired) {
  testing::TempDir dir;
  FlowCache cache(dir.path());
  const auto key = key_for("a", "b");
  cache.put(key, ramp_flow(4, 4, 0));
  write_file_atomic(cache.path_for(key), std::string("garbage"));
  EXPECT_FALSE(cache.get(key).has_value());
  const cv::Mat f = cache.get_or_compute(key, [] { return ramp_flow(4, 4, 2); });
  const auto again = cache.get(key);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(cv::norm(*again, f, cv::NORM_INF), 0.0);
}

TEST(FlowCache, ConcurrentWritersAndReaders) {
  testing::TempDir dir;
  FlowCache cache(dir.path());
  std::atomic<int> computed{0};
  // 64 tasks over 16 keys: each key written and read by several threads at once.
  tbb::parallel_for(0, 64, [&](int i) {
    const int k = i % 16;
    const auto key = key_for("frame" + std::to_string(k), "next");
    const cv::Mat f = cache.get_or_compute(key, [&] {
      ++computed;
      return ramp_flow(32, 32, float(k));
    });
    EXPECT_EQ(f.at<cv::Vec2f>(0, 0)[0], float(k));
  });
  EXPECT_GE(computed.load(), 16);
  EXPECT_EQ(cache.hits() + cache.misses(), 64);
  for (int k = 0; k < 16; ++k) {
    const auto f = cache.get(key_for("frame" + std::to_string(k), "next"));
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->at<cv::Vec2f>(31, 31)[0], 0.25f * 31 + float(k));
  }
  // No temporary files left behind.
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
    if (e.is_regular_file()) {
      EXPECT_EQ(e.path().extension(), ".npy") << e.path();
    }
  }
}

}  // namespace
}  // namespace motioncue::flow
