#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/videoio.hpp>

#include <fstream>

#include "../support/run_cli.h"
#include "../support/temp_dir.h"
#include "infer_fixture.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/progress.h"
#include "motioncue/infer/infer.h"

namespace fs = std::filesystem;
using namespace motioncue;
using motioncue::testing::TempDir;

namespace {

class InferRun : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::set_enabled(false);
    static const std::string hash = body::load_default_model().hash();
    hash_ = hash;
    checkpoint_ = motioncue::testing::make_checkpoint(tmp_.path(), hash_);
    frames_ = motioncue::testing::write_sequence(tmp_ / "frames", tmp_ / "boxes.json");
  }
  infer::InferOptions options(const std::string& out) {
    infer::InferOptions o;
    o.input = frames_;
    o.checkpoint = checkpoint_;
    o.out = tmp_ / out;
    o.boxes = (tmp_ / "boxes.json").string();
    o.batch_size = 4;
    o.progress = false;
    o.warn = [this](const std::string& m) { warnings_.push_back(m); };
    return o;
  }
  nlohmann::json frame_json(const fs::path& run, int f) {
    char name[32];
    std::snprintf(name, sizeof(name), "%06d.json", f);
    return nlohmann::json::parse(read_file_text(run / "frames" / name));
  }
  TempDir tmp_;
  std::string hash_;
  fs::path checkpoint_, frames_;
  std::vector<std::string> warnings_;
};

TEST_F(InferRun, FolderWithBoxFileGivesEveryFrameStableTracksAndExports) {
  auto o = options("run");
  o.side_view = true;
  const auto summary = infer::run_inference(o);
  EXPECT_EQ(summary.frames, motioncue::testing::kFrames);
  EXPECT_EQ(summary.people, 2 * motioncue::testing::kFrames);
  EXPECT_EQ(summary.tracks, 2);
  int left_track = -1;
  for (int f = 0; f < motioncue::testing::kFrames; ++f) {
    const auto j = frame_json(o.out, f);
    EXPECT_EQ(j["source"], "img_" + std::to_string(100 + f) + ".png");
    ASSERT_EQ(j["people"].size(), 2u);
    for (const auto& p : j["people"]) {
      EXPECT_EQ(p["pose"].size(), 72u);
      EXPECT_EQ(p["betas"].size(), 10u);
      EXPECT_EQ(p["keypoints_2d"].size(), 48u);
      EXPECT_GT(p["cam_t"][2].get<double>(), 0.0);
      const double x0 = p["box"][0];
      if (x0 < 80) {  // the person starting on the left
        if (left_track < 0) left_track = p["track_id"];
        EXPECT_EQ(p["track_id"].get<int>(), left_track) << "frame " << f;
      }
    }
    char name[32];
    std::snprintf(name, sizeof(name), "%06d.jpg", f);
    const cv::Mat overlay = cv::imread((o.out / "overlays" / name).string());
    ASSERT_FALSE(overlay.empty());
    EXPECT_EQ(overlay.cols, 2 * 160);  // frame + side view
  }
  const auto npz = read_npz(o.out / "results.npz");
  EXPECT_EQ(npz.at("pose").shape, (std::vector<int64_t>{12, 72}));
  EXPECT_EQ(npz.at("keypoints_2d").shape, (std::vector<int64_t>{12, 24, 2}));
  EXPECT_EQ(npz.at("frame_names").to_strings().size(), 6u);
  for (int t = 0; t < 2; ++t) {
    EXPECT_TRUE(fs::is_regular_file(o.out / "tracks" / ("track_" + std::to_string(t) + ".glb")));
    EXPECT_TRUE(fs::is_regular_file(o.out / "tracks" / ("track_" + std::to_string(t) + ".bvh")));
  }
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(InferRun, VideoThroughTheCliWithFullFrameBoxes) {
  if (!fs::exists(MOTIONCUE_CLI)) GTEST_SKIP() << "CLI not built";
  const fs::path video = tmp_ / "clip.avi";
  {
    cv::VideoWriter writer(video.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25,
                           cv::Size(160, 120));
    ASSERT_TRUE(writer.isOpened());
    for (int f = 0; f < motioncue::testing::kFrames; ++f)
      writer.write(motioncue::testing::synthetic_frame(f));
  }
  const fs::path out = tmp_ / "cli";
  const auto r = motioncue::testing::run_cli("infer " + video.string() + " --checkpoint " +
                                             checkpoint_.string() + " --out " + out.string() +
                                             " --boxes full --overlay video --obj");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("6 frames"), std::string::npos) << r.output;
  for (int f = 0; f < motioncue::testing::kFrames; ++f) {
    const auto j = frame_json(out, f);
    ASSERT_EQ(j["people"].size(), 1u);
    EXPECT_EQ(j["people"][0]["track_id"], 0);
  }
  EXPECT_TRUE(fs::is_regular_file(out / "overlay.avi"));
  EXPECT_FALSE(fs::exists(out / "overlay.partial.avi"));
  EXPECT_TRUE(fs::is_regular_file(out / "obj" / "000005_track0.obj"));
  cv::VideoCapture cap((out / "overlay.avi").string());
  EXPECT_EQ(static_cast<int>(cap.get(cv::CAP_PROP_FRAME_COUNT)), motioncue::testing::kFrames);
}

TEST_F(InferRun, BadInputsGiveClearErrors) {
  auto expect_error = [](const infer::InferOptions& o, const std::string& part) {
    try {
      infer::run_inference(o);
      ADD_FAILURE() << "no error; expected one mentioning " << part;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  auto o = options("missing");
  o.input = tmp_ / "nope.png";
  expect_error(o, "does not exist");

  const fs::path fake = tmp_ / "fake.png";
  std::ofstream(fake) << "not an image";
  o = options("fake");
  o.input = fake;
  expect_error(o, "not a readable image");
  EXPECT_FALSE(fs::exists(tmp_ / "fake" / "results.npz"));

  const fs::path empty_video = tmp_ / "empty.avi";
  std::ofstream(empty_video).flush();
  o = options("empty");
  o.input = empty_video;
  expect_error(o, "empty.avi");

  fs::create_directories(tmp_ / "taken");
  std::ofstream(tmp_ / "taken" / "x.txt") << "x";
  expect_error(options("taken"), "not empty");

  const auto other = motioncue::testing::make_checkpoint(tmp_ / "other", "0123abcd");
  o = options("mismatch");
  o.checkpoint = other;
  expect_error(o, "body");

  std::ofstream(tmp_ / "none.json") << "{}";
  o = options("nobody");
  o.boxes = (tmp_ / "none.json").string();
  expect_error(o, "no person found");
  EXPECT_EQ(warnings_.size(), static_cast<std::size_t>(motioncue::testing::kFrames));
  EXPECT_TRUE(fs::is_regular_file(tmp_ / "nobody" / "frames" / "000005.json"));

  std::ofstream(tmp_ / "bad.json") << R"({"0": [[10, 10, 5, 50]]})";
  o = options("badbox");
  o.boxes = (tmp_ / "bad.json").string();
  expect_error(o, "bad.json");
}

}  // namespace
