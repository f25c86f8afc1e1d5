// motioncue keypoints on the synthetic capsule figure of the TFJS fixtures: MoveNet finds the
// figure's joints where they were drawn, outputs are complete and consistent, and bad input is a
// clear error that leaves no folder behind.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "../support/pretrained_models.h"
#include "../support/temp_dir.h"
#include "../vision/synthetic_person.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/progress.h"
#include "motioncue/eval/coco_keypoints.h"
#include "motioncue/infer/keypoint_run.h"

namespace fs = std::filesystem;
using motioncue::testing::TempDir;

namespace {

// The figure at `size` px, placed at (x0, y0) on a grey canvas, as a BGR image file.
fs::path write_figure(const fs::path& file, int size, int canvas_w, int canvas_h, int x0, int y0) {
  cv::imwrite(file.string(), motioncue::testing::figure_frame(size, canvas_w, canvas_h, x0, y0));
  return file;
}

std::string error_of(const motioncue::infer::KeypointOptions& o) {
  try {
    motioncue::infer::run_keypoints(o);
  } catch (const motioncue::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(Keypoints, FindsTheDrawnFigureAndWritesConsistentOutputs) {
  MOTIONCUE_PRETRAINED_MODEL(model, "movenet-lightning");
  motioncue::Progress::set_enabled(false);
  TempDir tmp;
  fs::create_directories(tmp / "images");
  // a 256 px figure at (300, 40) in a 640 x 360 frame: its head centre (0.5, 0.17 of the figure)
  // is at (428, 83.5), its ankles near y = 40 + 0.94 * 256 = 281
  write_figure(tmp / "images" / "a.png", 256, 640, 360, 300, 40);
  motioncue::infer::KeypointOptions o;
  o.input = tmp / "images";
  o.out = tmp / "run";
  o.model = "movenet-lightning";
  o.boxes = "full";
  o.progress = false;
  const auto summary = motioncue::infer::run_keypoints(o);
  EXPECT_EQ(summary.frames, 1);
  EXPECT_EQ(summary.people, 1);
  const auto doc = nlohmann::json::parse(motioncue::read_file_text(tmp / "run" / "keypoints.json"));
  const auto& person = doc["frames"][0]["people"][0];
  const auto& nose = person["coco17"][0];
  EXPECT_NEAR(nose[0].get<double>(), 428, 20);
  EXPECT_NEAR(nose[1].get<double>(), 84, 25);
  for (int ankle : {15, 16})
    EXPECT_NEAR(person["coco17"][ankle][1].get<double>(), 281, 30) << ankle;
  // left joints are on the image's right for a figure facing the camera
  EXPECT_GT(person["coco17"][5][0].get<double>(), person["coco17"][6][0].get<double>());
  // the npz holds the same numbers, and the SPIN-24 mapping carries the COCO joints over
  const auto npz = motioncue::read_npz(tmp / "run" / "keypoints.npz");
  const auto coco = npz.at("coco17", {1, 1, 17, 3}).to_f32();
  EXPECT_NEAR(coco[0], nose[0].get<double>(), 1e-3);
  const auto spin = npz.at("spin24", {1, 1, 24, 3}).to_f32();
  EXPECT_NEAR(spin[19 * 3], nose[0].get<double>(), 1e-3);  // SPIN keypoint 19 is the nose
  EXPECT_EQ(spin[13 * 3 + 2], 0.0f);                       // head top: no COCO source
  EXPECT_TRUE(fs::exists(tmp / "run" / "overlays" / "000000.jpg"));
}

TEST(Keypoints, BlazePoseWritesItsOwnLandmarksBesideTheCocoOnes) {
  MOTIONCUE_PRETRAINED_MODEL(model, "blazepose-full");
  motioncue::Progress::set_enabled(false);
  TempDir tmp;
  fs::create_directories(tmp / "images");
  write_figure(tmp / "images" / "a.png", 256, 640, 360, 300, 40);
  const auto boxes = tmp / "boxes.json";  // one box around the figure
  motioncue::write_file_atomic(boxes, R"({"a.png": [{"box": [330, 40, 530, 300], "score": 1}]})");
  motioncue::infer::KeypointOptions o;
  o.input = tmp / "images";
  o.out = tmp / "run";
  o.model = "blazepose-full";
  o.boxes = boxes.string();
  o.progress = false;
  o.overlays = false;
  const auto summary = motioncue::infer::run_keypoints(o);
  EXPECT_EQ(summary.people, 1);
  const auto doc = nlohmann::json::parse(motioncue::read_file_text(tmp / "run" / "keypoints.json"));
  ASSERT_EQ(doc["landmark_names"].size(), 33u);
  const auto& person = doc["frames"][0]["people"][0];
  ASSERT_EQ(person["landmarks"].size(), 33u);
  EXPECT_EQ(person["landmarks"][27], person["coco17"][15]);    // left ankle
  EXPECT_NEAR(person["coco17"][0][0].get<double>(), 428, 20);  // the nose where it was drawn
  EXPECT_NEAR(person["coco17"][0][1].get<double>(), 84, 25);
  for (int ankle : {15, 16})
    EXPECT_NEAR(person["coco17"][ankle][1].get<double>(), 281, 30) << ankle;
  const auto npz = motioncue::read_npz(tmp / "run" / "keypoints.npz");
  const auto landmarks = npz.at("landmarks", {1, 1, 33, 3}).to_f32();
  EXPECT_NEAR(landmarks[27 * 3 + 1], person["coco17"][15][1].get<double>(), 1e-3);
}

TEST(Keypoints, BadInputIsAClearErrorAndLeavesNoFolder) {
  TempDir tmp;
  fs::create_directories(tmp / "images");
  write_figure(tmp / "images" / "a.png", 64, 64, 64, 0, 0);
  motioncue::infer::KeypointOptions o;
  o.input = tmp / "images";
  o.out = tmp / "run";
  o.progress = false;

  auto bad = o;
  bad.model = "posenet";
  EXPECT_NE(error_of(bad).find("movenet-thunder"), std::string::npos) << error_of(bad);
  bad = o;
  bad.input = tmp / "nothing-here";
  EXPECT_NE(error_of(bad).find("nothing-here"), std::string::npos) << error_of(bad);
  bad = o;
  bad.min_score = -1;
  EXPECT_NE(error_of(bad).find("--min-score"), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp / "run"));

  // an empty cache: the error says how to fetch the models
  const char* old = std::getenv("MOTIONCUE_CACHE");
  const std::string saved = old ? old : "";
  setenv("MOTIONCUE_CACHE", (tmp / "empty-cache").c_str(), 1);
  const auto msg = error_of(o);
  if (old)
    setenv("MOTIONCUE_CACHE", saved.c_str(), 1);
  else
    unsetenv("MOTIONCUE_CACHE");
  EXPECT_NE(msg.find("scripts/fetch_models"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(tmp / "run"));
}

// A corrupt copy of a real model (shard cut short) is refused naming the weight.
TEST(Keypoints, TruncatedModelShardIsAnErrorNamingIt) {
  MOTIONCUE_PRETRAINED_MODEL(model, "movenet-lightning");
  TempDir tmp;
  const auto dir = tmp / "tfjs" / "human-models-3.0.4";
  fs::create_directories(dir);
  fs::copy_file(model, dir / "movenet-lightning.json");
  auto bytes = motioncue::read_file_bytes(model.parent_path() / "movenet-lightning.bin");
  bytes.resize(bytes.size() / 2);
  motioncue::write_file_atomic(dir / "movenet-lightning.bin", bytes);
  const char* old = std::getenv("MOTIONCUE_CACHE");
  const std::string saved = old ? old : "";
  setenv("MOTIONCUE_CACHE", tmp.path().c_str(), 1);
  fs::create_directories(tmp / "images");
  write_figure(tmp / "images" / "a.png", 64, 64, 64, 0, 0);
  motioncue::infer::KeypointOptions o;
  o.input = tmp / "images";
  o.out = tmp / "run";
  o.model = "movenet-lightning";
  o.progress = false;
  const auto msg = error_of(o);
  if (old)
    setenv("MOTIONCUE_CACHE", saved.c_str(), 1);
  else
    unsetenv("MOTIONCUE_CACHE");
  EXPECT_NE(msg.find("movenet-lightning.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("shorter than the manifest"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(tmp / "run"));
}

TEST(CocoScores, RecallPckAndOksFollowTheirDefinitions) {
  using namespace motioncue::eval;
  CocoPerson a;
  a.image = "x.jpg";
  a.box = {0, 0, 100, 200};
  a.area = 10000;
  // shoulders at y 50, hips at y 150, 40 px apart: both diagonals sqrt(100^2 + 40^2)
  const float pts[17][2] = {{50, 20},  {45, 15},  {55, 15},  {40, 18},  {60, 18},  {70, 50},
                            {30, 50},  {75, 90},  {25, 90},  {78, 130}, {22, 130}, {70, 150},
                            {30, 150}, {70, 170}, {30, 170}, {70, 195}, {30, 195}};
  for (int j = 0; j < 17; ++j) {
    a.keypoints[3 * j] = pts[j][0];
    a.keypoints[3 * j + 1] = pts[j][1];
    a.keypoints[3 * j + 2] = 2;
  }
  a.labelled = 17;
  CocoPerson unseen = a;
  unseen.box = {300, 0, 100, 200};
  PredictedPerson p;
  p.image = "x.jpg";
  p.box = {5, 0, 100, 200};
  p.keypoints = a.keypoints;
  p.keypoints[9 * 3] += 30;  // left wrist off by 30 px > 0.2 * 107.7
  p.keypoints[0 * 3] += 20;  // nose off by 20 px < 21.5
  const auto s = score_coco({a, unseen}, {p});
  EXPECT_EQ(s.people, 2);
  EXPECT_EQ(s.found, 1);
  EXPECT_DOUBLE_EQ(s.recall(), 0.5);
  EXPECT_EQ(s.pck_joints, 17);
  EXPECT_DOUBLE_EQ(s.pck, 16.0 / 17.0);  // the same one division of two counts
  EXPECT_EQ(s.pck_per_joint[9], 0.0);
  const double k_nose = 2 * 0.026, k_wrist = 2 * 0.062;
  const double oks = (15 + std::exp(-400 / (2 * 10000 * k_nose * k_nose)) +
                      std::exp(-900 / (2 * 10000 * k_wrist * k_wrist))) /
                     17;
  EXPECT_NEAR(s.mean_oks, oks, 1e-6);  // exp() of float32 keypoint distances
  // a box too far off (IoU < 0.5) is no match
  p.box = {60, 0, 100, 200};
  EXPECT_EQ(score_coco({a}, {p}).found, 0);
}
