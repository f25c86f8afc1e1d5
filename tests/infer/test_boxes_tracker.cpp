#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>

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

// A detector run on one frame in three: coast() carries the boxes between with each track's
// velocity measured over the frames between detections, so constant motion is carried exactly
// once the second detection has given the velocity; a person missed at a detection is not carried.
TEST(Tracker, CoastCarriesTheTracksSeenAtTheLastUpdateWithTheirVelocity) {
  infer::Tracker tracker(0.3, 10);
  const auto box_at = [](int f) { return cv::Rect2d(10.0 + 5 * f, 20, 40, 80); };
  EXPECT_TRUE(tracker.coast().empty());  // nobody yet
  const int id = tracker.update({box_at(0)})[0];
  for (int f = 1; f < 9; ++f) {
    if (f % 3 == 0) {
      EXPECT_EQ(tracker.update({box_at(f)}), std::vector<int>{id}) << "frame " << f;
      continue;
    }
    const auto carried = tracker.coast();
    ASSERT_EQ(carried.size(), 1u) << "frame " << f;
    EXPECT_EQ(carried[0].first, id);
    // Before the second detection the velocity is unknown (0): the box stays where it was seen.
    const cv::Rect2d expected = f < 3 ? box_at(0) : box_at(f);
    // Sums and quotients of a few small whole numbers of pixels: 1e-6 px is far above any
    // rounding and far below what would move a crop.
    EXPECT_NEAR(carried[0].second.x, expected.x, 1e-6) << "frame " << f;
    EXPECT_EQ(carried[0].second.size(), expected.size());
  }
  tracker.update({});  // missed at a detection
  EXPECT_TRUE(tracker.coast().empty());
  EXPECT_EQ(tracker.update({box_at(11)})[0], id);  // still within reach of its prediction
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
  f.image = cv::Mat(40, 40, CV_8UC3, cv::Scalar::all(0));
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
// nested 100,000 levels crashed the reader, a box at 1e30 was processed silently, and so were
// boxes given as fractions of the frame (a sub-pixel crop). All are refused at once, naming the
// file and the frame and box ("<frame>[<box>]"); the cap of 256 boxes per frame is documented in
// docs/FORMATS.md and 256 itself is accepted.
TEST(PersonBoxes, AbsurdBoxFilesAreRefusedNamingTheFile) {
  motioncue::testing::TempDir tmp;
  const auto boxes_in_one_frame = [&](const std::string& name, int n) {
    std::ofstream out(tmp / name);
    out << R"({"3": [)";
    for (int i = 0; i < n; ++i) out << (i ? "," : "") << "[0, 0, 10, 20]";
    out << "]}";
  };
  boxes_in_one_frame("many.json", 20000);
  boxes_in_one_frame("limit.json", 257);
  boxes_in_one_frame("at_limit.json", 256);
  std::ofstream(tmp / "deep.json") << std::string(100000, '[') << std::string(100000, ']');
  std::ofstream(tmp / "far.json") << R"({"0": [[0, 0, 10, 20]], "7": [[0, 0, 1e30, 20]]})";
  std::ofstream(tmp / "inf.json") << R"({"0": [[0, 0, 1e400, 20]]})";
  std::ofstream(tmp / "negative.json") << R"({"0": [[50, 20, 10, 90]]})";
  std::ofstream(tmp / "flat.json") << R"({"0": [[10, 20, 10, 90]]})";
  std::ofstream(tmp / "fraction.json") << R"({"img.png": [[0.1, 0.1, 0.5, 0.9]]})";
  std::ofstream(tmp / "score.json") << R"({"0": [[0, 0, 10, 20, 1e999]]})";
  const std::pair<const char*, const char*> cases[] = {
      {"many.json", "3: too many boxes in one frame (expected at most 256, found 20000)"},
      {"limit.json", "found 257"},
      {"deep.json", "deep.json"},
      {"far.json", "7[0]: box coordinate out of range"},
      {"inf.json", "inf.json"},
      {"negative.json", "0[0]: box has no area"},
      {"flat.json", "0[0]: box has no area"},
      {"fraction.json", "img.png[0]: box is smaller than one pixel"},
      {"score.json", "score.json"}};
  for (const auto& [name, words] : cases) {
    try {
      infer::json_boxes(tmp / name);
      ADD_FAILURE() << name << ": no error";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind((tmp / name).string(), 0), 0u) << what;  // starts with the file
      EXPECT_NE(what.find(words), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
  EXPECT_NO_THROW(infer::json_boxes(tmp / "at_limit.json"));
}

// A box that does not overlap its frame (boxes written for another resolution) would crop a
// blank image and give a body for nobody: refused when the frame is seen, naming file and box.
TEST(PersonBoxes, BoxOutsideItsFrameIsRefusedNamingFileAndBox) {
  motioncue::testing::TempDir tmp;
  std::ofstream(tmp / "off.json") << R"({"0": [[-5, -5, 10, 10]], "1": [[5000, 10, 5100, 90]]})";
  auto src = infer::json_boxes(tmp / "off.json");
  infer::Frame f;
  f.image = cv::Mat(120, 160, CV_8UC3, cv::Scalar::all(0));
  f.index = 0;
  f.name = "frame_0";
  EXPECT_EQ(src->detect(f).size(), 1u);  // partly outside is fine
  f.index = 1;
  f.name = "frame_1";
  try {
    src->detect(f);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("off.json: 1[0]: box lies outside the frame"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("160x120"), std::string::npos) << e.what();
  }
}

// --hog-max-side 0 reached OpenCV's resize as a raw multi-line assertion; a thin frame rounded
// to an empty image would too.
TEST(PersonBoxes, HogFrameSizeIsCheckedAndThinFramesAreSafe) {
  for (int side : {0, -1, 127}) {
    try {
      infer::hog_boxes(side);
      ADD_FAILURE() << side << ": no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--hog-max-side"), std::string::npos) << e.what();
    }
  }
  auto hog = infer::hog_boxes(128);
  infer::Frame f;
  f.image = cv::Mat(3, 2000, CV_8UC3, cv::Scalar(128, 128, 128));
  EXPECT_TRUE(hog->detect(f).empty());
}

TEST(PersonBoxes, HogOnAHugeEmptyImageFindsNoOneQuickly) {
  infer::Frame f;
  f.image = cv::Mat(3000, 4000, CV_8UC3, cv::Scalar(128, 128, 128));
  auto hog = infer::hog_boxes(320);
  EXPECT_TRUE(hog->detect(f).empty());
}
