// The keypoint model wrappers put the networks' outputs at the right image pixels: on the fixture
// image, whole (detect) and as a crop of a larger frame (person_in), MoveNet's and BlazePose's
// keypoints are the tfjs reference outputs mapped through the crop, and BlazePose's COCO-17 are
// its landmarks by name. Needs the pretrained models (skips without them, except in CI).
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include <cmath>
#include <string>

#include "../support/pretrained_models.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/npy.h"
#include "motioncue/vision/blazepose.h"
#include "motioncue/vision/keypoint_model.h"
#include "synthetic_person.h"

namespace {

namespace fs = std::filesystem;

using motioncue::testing::figure_frame;

std::vector<float> fixture(const std::string& model, const std::string& node) {
  const fs::path dir = fs::path(MOTIONCUE_FIXTURES) / "vision" / model;
  const auto index = motioncue::read_json_file(dir / "index.json");
  return motioncue::read_npy(dir / index["nodes"][node]["file"].get<std::string>()).to_f32();
}

// A box whose 1.25x square crop is exactly the size x size square at (x0, y0).
cv::Rect2d box_cropping_to(int size, int x0, int y0) {
  const double side = size / 1.25;
  return {x0 + (size - side) / 2, y0 + (size - side) / 2, side, side};
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace

TEST(KeypointModels, MoveNetKeypointsAreTheNetworkOutputThroughTheCrop) {
  MOTIONCUE_PRETRAINED_MODEL(file, "movenet-lightning");
  const auto net = motioncue::vision::make_keypoint_model("movenet-lightning");
  const auto ref = fixture("movenet-lightning", "Identity");  // 17 x (y, x, score), 0..1
  ASSERT_EQ(ref.size(), 17u * 3);
  const auto whole = net->detect(figure_frame(192, 192, 192, 0, 0), 0.0f);
  ASSERT_EQ(whole.size(), 1u);
  const auto placed =
      net->person_in(figure_frame(192, 500, 400, 150, 100), box_cropping_to(192, 150, 100));
  EXPECT_DOUBLE_EQ(placed.box.x, box_cropping_to(192, 150, 100).x);  // the box given, copied
  for (int j = 0; j < 17; ++j) {
    const auto& k = whole[0].keypoints[j];
    EXPECT_NEAR(k.x, ref[3 * j + 1] * 192, 1e-2) << j;
    EXPECT_NEAR(k.y, ref[3 * j] * 192, 1e-2) << j;
    EXPECT_NEAR(k.score, ref[3 * j + 2], 1e-4) << j;
    const auto& p = placed.keypoints[j];
    EXPECT_NEAR(p.x, 150 + ref[3 * j + 1] * 192, 1e-2) << j;
    EXPECT_NEAR(p.y, 100 + ref[3 * j] * 192, 1e-2) << j;
  }
}

TEST(KeypointModels, BlazePoseLandmarksAreTheNetworkOutputThroughTheCrop) {
  MOTIONCUE_PRETRAINED_MODEL(file, "blazepose-full");
  const auto net = motioncue::vision::make_keypoint_model("blazepose-full");
  EXPECT_FALSE(net->multipose());
  ASSERT_EQ(net->landmark_names().size(), 33u);
  EXPECT_EQ(net->landmark_names()[27], "left_ankle");
  const auto ref = fixture("blazepose-full", "Identity_2");  // 39 x (x, y, z, vis, presence) px
  const auto flag = fixture("blazepose-full", "Identity_3");
  ASSERT_EQ(ref.size(), 39u * 5);
  const auto whole = net->detect(figure_frame(256, 256, 256, 0, 0), 0.5f);
  ASSERT_EQ(whole.size(), 1u);  // the pose flag is 0.9997 on the fixture
  EXPECT_NEAR(whole[0].score, flag[0], 1e-4);
  const auto placed =
      net->person_in(figure_frame(256, 600, 420, 200, 90), box_cropping_to(256, 200, 90));
  ASSERT_EQ(whole[0].landmarks.size(), 33u);
  for (int j = 0; j < 33; ++j) {
    const auto& k = whole[0].landmarks[j];
    // 1e-4 of the 256 px input: the runner's agreement with tfjs, in pixels
    EXPECT_NEAR(k.x, ref[5 * j], 0.03) << j;
    EXPECT_NEAR(k.y, ref[5 * j + 1], 0.03) << j;
    EXPECT_NEAR(k.score, sigmoid(ref[5 * j + 3]), 1e-4) << j;
    EXPECT_NEAR(placed.landmarks[j].x, 200 + ref[5 * j], 0.03) << j;
    EXPECT_NEAR(placed.landmarks[j].y, 90 + ref[5 * j + 1], 0.03) << j;
  }
  // COCO-17 by name: nose, eyes, ears, then the limb joints
  const int coco_from[17] = {0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28};
  for (int j = 0; j < 17; ++j) {
    EXPECT_EQ(whole[0].keypoints[j].x, whole[0].landmarks[coco_from[j]].x) << j;
    EXPECT_EQ(std::string(motioncue::vision::coco_keypoint_names()[j]),
              net->landmark_names()[coco_from[j]])
        << j;
  }
}

TEST(KeypointModels, UnknownModelNamesAreErrorsListingTheKnownOnes) {
  try {
    motioncue::vision::make_keypoint_model("blazepose-heavy");
    FAIL() << "no error";
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("blazepose-full"), std::string::npos) << e.what();
  }
  try {
    motioncue::vision::make_keypoint_model("openpose");
    FAIL() << "no error";
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("movenet-thunder"), std::string::npos) << e.what();
  }
}
