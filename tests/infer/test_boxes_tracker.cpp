#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/infer/person_boxes.h"
#include "motioncue/infer/tracker.h"

using namespace motioncue;

TEST(Tracker, KeepsIdsThroughMotionAndAShortGap) {
  infer::Tracker tracker(0.3, 2);
  std::vector<int> a, b;
  for (int f = 0; f < 8; ++f) {
    // Fast movers: 15 px per frame on 40-px boxes (IoU of raw boxes alone would be low).
    std::vector<cv::Rect2d> boxes = {{10.0 + 15 * f, 10, 40, 80}, {300.0 - 15 * f, 10, 40, 80}};
    if (f == 4) boxes.pop_back();  // the second person is missed once
    const auto ids = tracker.update(boxes);
    a.push_back(ids[0]);
    if (ids.size() > 1) b.push_back(ids[1]);
  }
  for (int id : a) EXPECT_EQ(id, a[0]);
  for (int id : b) EXPECT_EQ(id, b[0]);
  EXPECT_NE(a[0], b[0]);
  EXPECT_EQ(tracker.tracks_started(), 2);
  // Gone for longer than max_misses: a new id.
  for (int f = 0; f < 4; ++f) tracker.update({});
  EXPECT_EQ(tracker.update({{10, 10, 40, 80}})[0], 2);
}

TEST(PersonBoxes, SquareBoxIsCentredWithSideOnePointTwoTimesTheLongerSide) {
  const auto p = infer::square_person_box({100, 50, 40, 100});
  EXPECT_DOUBLE_EQ(p.center.x, 120);
  EXPECT_DOUBLE_EQ(p.center.y, 100);
  EXPECT_DOUBLE_EQ(p.scale * 200, 120);
}

TEST(PersonBoxes, JsonByIndexOrNameWithOptionalScores) {
  motioncue::testing::TempDir tmp;
  std::ofstream(tmp / "b.json")
      << R"({"0": [[0, 0, 10, 20], [5, 5, 15, 25, 0.5]], "x.png": [{"box": [1, 2, 3, 4], "score": 0.7}]})";
  auto src = infer::json_boxes(tmp / "b.json");
  infer::Frame f;
  f.index = 0;
  f.name = "frame_0";
  auto d = src->detect(f);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_DOUBLE_EQ(d[1].score, 0.5);
  EXPECT_DOUBLE_EQ(d[0].box.height, 20);
  f.index = 7;
  f.name = "x.png";
  d = src->detect(f);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_DOUBLE_EQ(d[0].score, 0.7);
  f.name = "y.png";
  EXPECT_TRUE(src->detect(f).empty());
  std::ofstream(tmp / "c.json") << R"({"0": [[0, 0, 10]]})";
  EXPECT_THROW(infer::json_boxes(tmp / "c.json"), Error);
}

// A broken detector's 20,000 boxes in one frame used to run for minutes without a word, a file
// nested 100,000 levels crashed the reader, a box at 1e30 was processed silently. All are refused
// at once, naming the file.
TEST(PersonBoxes, AbsurdBoxFilesAreRefusedNamingTheFile) {
  motioncue::testing::TempDir tmp;
  {
    std::ofstream many(tmp / "many.json");
    many << R"({"3": [)";
    for (int i = 0; i < 20000; ++i) many << (i ? "," : "") << "[0, 0, 10, 20]";
    many << "]}";
  }
  std::ofstream(tmp / "deep.json") << std::string(100000, '[') << std::string(100000, ']');
  std::ofstream(tmp / "far.json") << R"({"0": [[0, 0, 1e30, 20]]})";
  for (const char* name : {"many.json", "deep.json", "far.json"}) {
    try {
      infer::json_boxes(tmp / name);
      ADD_FAILURE() << name << ": no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

TEST(PersonBoxes, HogOnAHugeEmptyImageFindsNoOneQuickly) {
  infer::Frame f;
  f.image = cv::Mat(3000, 4000, CV_8UC3, cv::Scalar(128, 128, 128));
  auto hog = infer::hog_boxes(320);
  EXPECT_TRUE(hog->detect(f).empty());
}
