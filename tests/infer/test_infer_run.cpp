#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../support/run_cli.h"
#include "../support/temp_dir.h"
#include "infer_fixture.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/progress.h"
#include "motioncue/infer/infer.h"
#include "motioncue/vision/keypoint_model.h"

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

// --detect-every 2: the box file is read on frames 0, 2 and 4 only; frames 1, 3 and 5 get the
// tracker's carried boxes (the figures move 4 px a frame: exact once the velocity is known, and
// frame 1 keeps frame 0's boxes), with the same two tracks.
TEST_F(InferRun, DetectEverySecondFrameCarriesTheBoxesBetween) {
  auto o = options("every2");
  o.detect_every = 2;
  o.exports = false;
  o.overlays = infer::OverlayMode::kNone;
  const auto summary = infer::run_inference(o);
  EXPECT_EQ(summary.frames, motioncue::testing::kFrames);
  EXPECT_EQ(summary.frames_detected, 3);
  EXPECT_EQ(summary.people, 2 * motioncue::testing::kFrames);
  EXPECT_EQ(summary.tracks, 2);
  EXPECT_NE(summary.to_string().find("person detector run on 3 of 6 frames"), std::string::npos)
      << summary.to_string();
  for (int f = 0; f < motioncue::testing::kFrames; ++f) {
    const auto people = frame_json(o.out, f)["people"];
    ASSERT_EQ(people.size(), 2u) << "frame " << f;
    for (const auto& p : people) {
      const int k = p["box"][0].get<double>() < 80 ? 0 : 1;
      const cv::Rect truth = motioncue::testing::person_rect(k, f == 1 ? 0 : f);
      EXPECT_NEAR(p["box"][0].get<double>(), truth.x, 1e-3) << "frame " << f << " person " << k;
      EXPECT_NEAR(p["box"][2].get<double>(), truth.x + truth.width, 1e-3) << "frame " << f;
    }
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

  // No person in any frame is an Error, and like every failed run it leaves nothing behind.
  std::ofstream(tmp_ / "none.json") << "{}";
  o = options("nobody");
  o.boxes = (tmp_ / "none.json").string();
  expect_error(o, "no person found");
  EXPECT_EQ(warnings_.size(), static_cast<std::size_t>(motioncue::testing::kFrames));
  EXPECT_FALSE(fs::exists(tmp_ / "nobody"));

  std::ofstream(tmp_ / "bad.json") << R"({"0": [[10, 10, 5, 50]]})";
  o = options("badbox");
  o.boxes = (tmp_ / "bad.json").string();
  expect_error(o, "bad.json");
}

// The lines of the CLI's output that are not per-frame warnings.
std::vector<std::string> non_warning_lines(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);)
    if (line.find("warning") == std::string::npos) lines.push_back(line);
  return lines;
}

// A failed infer used to leave empty folders, overlay.partial.avi and the frames written so far,
// and "no person found" exited 1 beside complete-looking empty results. Now every failure, early
// or midway, is one line naming the file (and key), exit 1, and leaves nothing new: no folder
// when the run made it, an empty one when it was given one.
TEST_F(InferRun, FailedRunsLeaveNothingBehind) {
  if (!fs::exists(MOTIONCUE_CLI)) GTEST_SKIP() << "CLI not built";
  const std::string common = " --checkpoint " + checkpoint_.string() + " --batch-size 2";
  const auto expect_failure = [&](const std::string& args, const fs::path& out,
                                  const std::vector<std::string>& words) {
    const auto r = motioncue::testing::run_cli("infer " + args + common + " --out " + out.string());
    EXPECT_EQ(r.exit_code, 1) << r.output;
    const auto lines = non_warning_lines(r.output);
    ASSERT_EQ(lines.size(), 1u) << r.output;
    EXPECT_EQ(lines[0].rfind("motioncue: error: ", 0), 0u) << r.output;
    for (const auto& w : words) EXPECT_NE(lines[0].find(w), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("OpenCV("), std::string::npos) << r.output;
  };

  // No person anywhere: exit 1 and nothing written, into a new folder or a given empty one.
  std::ofstream(tmp_ / "none.json") << "{}";
  expect_failure(frames_.string() + " --boxes " + (tmp_ / "none.json").string(), tmp_ / "nobody",
                 {"no person found in any frame"});
  EXPECT_FALSE(fs::exists(tmp_ / "nobody"));
  fs::create_directories(tmp_ / "given");
  expect_failure(frames_.string() + " --boxes " + (tmp_ / "none.json").string(), tmp_ / "given",
                 {"no person found in any frame"});
  EXPECT_TRUE(fs::is_directory(tmp_ / "given"));
  EXPECT_TRUE(fs::is_empty(tmp_ / "given"));

  // Midway: the last box of the box file is off its frame; frames before it were processed
  // (batch size 2), overlays and a video were being written.
  auto boxes = nlohmann::json::parse(read_file_text(tmp_ / "boxes.json"));
  boxes["img_105.png"][1]["box"] = {5000, 10, 5100, 90};
  std::ofstream(tmp_ / "late.json") << boxes.dump();
  for (const char* overlay : {"images", "video"})
    expect_failure(frames_.string() + " --obj --overlay " + overlay + " --boxes " +
                       (tmp_ / "late.json").string(),
                   tmp_ / "late", {"late.json: img_105.png[1]: box lies outside the frame"});
  EXPECT_FALSE(fs::exists(tmp_ / "late"));

  // Midway, and a raw OpenCV assertion before: a frame too large to crop from (warpAffine's
  // limit), after six good ones.
  const fs::path mixed = tmp_ / "mixed";
  fs::create_directories(mixed);
  for (const auto& e : fs::directory_iterator(frames_)) fs::copy(e.path(), mixed);
  cv::imwrite((mixed / "img_999.png").string(), cv::Mat(8, 33000, CV_8UC3, cv::Scalar::all(90)));
  expect_failure(mixed.string() + " --boxes full --overlay video", tmp_ / "wide",
                 {(mixed / "img_999.png").string(), "frame too large", "33000x8"});
  EXPECT_FALSE(fs::exists(tmp_ / "wide"));

  // Raw OpenCV assertion before: resize to an empty image.
  expect_failure(frames_.string() + " --boxes hog --hog-max-side 0", tmp_ / "hog",
                 {"--hog-max-side", "at least 128"});
  EXPECT_FALSE(fs::exists(tmp_ / "hog"));

  // A killed run's hidden partial folder does not block the next run into the same folder, and
  // a successful run leaves no partial folder.
  fs::create_directories(tmp_ / "again" / ".infer-partial" / "frames");
  std::ofstream(tmp_ / "again" / ".infer-partial" / "frames" / "000000.json") << "{";
  const auto r = motioncue::testing::run_cli("infer " + frames_.string() + common + " --boxes " +
                                             (tmp_ / "boxes.json").string() + " --out " +
                                             (tmp_ / "again").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(tmp_ / "again" / ".infer-partial"));
  EXPECT_TRUE(fs::is_regular_file(tmp_ / "again" / "results.npz"));
  EXPECT_EQ(frame_json(tmp_ / "again", 0)["people"].size(), 2u);
}

// A video whose container announces more frames than decode (a truncated file) used to give
// results for the decodable part without a word. The run still succeeds - the container's count
// is an estimate for some formats, and the decoded frames' results are right - but a warning
// says how many frames are missing, and so does the printed summary.
TEST_F(InferRun, TruncatedVideoIsReported) {
  const fs::path whole = tmp_ / "clip.avi", cut = tmp_ / "cut.avi";
  {
    cv::VideoWriter writer(whole.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25,
                           cv::Size(160, 120));
    ASSERT_TRUE(writer.isOpened());
    for (int f = 0; f < motioncue::testing::kFrames; ++f)
      writer.write(motioncue::testing::synthetic_frame(f));
  }
  fs::copy_file(whole, cut);
  fs::resize_file(cut, fs::file_size(whole) / 2);

  auto o = options("whole");
  o.input = whole;
  o.boxes = "full";
  o.overlays = infer::OverlayMode::kNone;
  const auto full = infer::run_inference(o);
  EXPECT_EQ(full.frames, motioncue::testing::kFrames);
  EXPECT_EQ(full.frames_announced, motioncue::testing::kFrames);
  EXPECT_EQ(full.to_string().find("could not be decoded"), std::string::npos);
  EXPECT_TRUE(warnings_.empty());

  o = options("cut");
  o.input = cut;
  o.boxes = "full";
  o.overlays = infer::OverlayMode::kNone;
  const auto part = infer::run_inference(o);
  ASSERT_GT(part.frames, 0);
  ASSERT_LT(part.frames, motioncue::testing::kFrames);
  EXPECT_EQ(part.frames_announced, motioncue::testing::kFrames);
  const std::string missing = std::to_string(motioncue::testing::kFrames - part.frames);
  EXPECT_NE(part.to_string().find("the video announces 6 frames; " + missing +
                                  " could not be decoded (truncated or damaged file)"),
            std::string::npos)
      << part.to_string();
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("cut.avi: the video announces 6 frames but only " +
                              std::to_string(part.frames) + " could be decoded"),
            std::string::npos)
      << warnings_[0];

  if (!fs::exists(MOTIONCUE_CLI)) return;
  const auto r = motioncue::testing::run_cli("infer " + cut.string() + " --checkpoint " +
                                             checkpoint_.string() + " --boxes full --out " +
                                             (tmp_ / "cut_cli").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("the video announces 6 frames but only"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(missing + " could not be decoded"), std::string::npos) << r.output;
}

// The network's projected keypoints scored against COCO annotations (`infer --boxes coco
// --coco`): annotations made from a first run's own keypoints score perfectly, and moved ones do
// not, so the score reads the run's keypoints in COCO's order.
TEST_F(InferRun, CocoAnnotationsScoreTheProjectedKeypoints) {
  const auto first = options("first");
  infer::run_inference(first);
  auto annotations = [&](double shift) {
    nlohmann::json doc = {{"images", nlohmann::json::array()},
                          {"annotations", nlohmann::json::array()}};
    for (int f = 0; f < motioncue::testing::kFrames; ++f) {
      const auto frame = frame_json(first.out, f);
      doc["images"].push_back(
          {{"id", f}, {"file_name", "img_" + std::to_string(100 + f) + ".png"}});
      for (const auto& person : frame["people"]) {
        const auto box = person["box"].get<std::vector<double>>();
        const auto kp = person["keypoints_2d"].get<std::vector<float>>();
        std::vector<vision::ImageKeypoint> spin(24);
        for (int j = 0; j < 24; ++j) spin[j] = {kp[2 * j] + float(shift), kp[2 * j + 1], 1.0f};
        std::vector<double> coco;
        for (const auto& k : vision::spin24_to_coco(spin)) coco.insert(coco.end(), {k.x, k.y, 2.0});
        doc["annotations"].push_back({{"image_id", f},
                                      {"category_id", 1},
                                      {"bbox", {box[0], box[1], box[2] - box[0], box[3] - box[1]}},
                                      {"iscrowd", 0},
                                      {"keypoints", coco}});
      }
    }
    const auto file = tmp_ / ("coco_" + std::to_string(shift) + ".json");
    std::ofstream(file) << doc.dump();
    return file;
  };
  auto scored = options("scored");
  scored.boxes = "coco";
  scored.coco = annotations(0.0);
  const auto summary = infer::run_inference(scored);
  EXPECT_NE(summary.to_string().find("PCK@0.2"), std::string::npos) << summary.to_string();
  const auto scores = nlohmann::json::parse(read_file_text(scored.out / "coco_scores.json"));
  EXPECT_EQ(scores["people"], 12);
  EXPECT_EQ(scores["found"], 12);
  EXPECT_DOUBLE_EQ(scores["pck_torso_0.2"].get<double>(), 1.0);
  EXPECT_GT(scores["mean_oks"].get<double>(), 0.99);

  auto moved = options("moved");
  moved.boxes = "coco";
  moved.coco = annotations(60.0);
  infer::run_inference(moved);
  const auto off = nlohmann::json::parse(read_file_text(moved.out / "coco_scores.json"));
  EXPECT_LT(off["pck_torso_0.2"].get<double>(), 0.5);

  auto no_annotations = options("none");
  no_annotations.boxes = "coco";
  EXPECT_THROW(infer::run_inference(no_annotations), Error);
  EXPECT_FALSE(fs::exists(no_annotations.out));
}

}  // namespace
