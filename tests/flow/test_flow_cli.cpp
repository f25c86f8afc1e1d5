#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "../support/run_cli.h"
#include "../support/temp_dir.h"
#include "motioncue/core/npy.h"
#include "motioncue/flow/flo_io.h"
#include "motioncue/flow/metrics.h"
#include "sequence_fixture.h"

namespace motioncue::flow {
namespace {

TEST(FlowCli, SinglePairWritesFloAndColour) {
  testing::TempDir dir;
  const cv::Mat a = testing::make_texture(128, 96, 3);
  cv::Mat truth;
  const cv::Mat b = testing::warp_with_flow(a, cv::Matx23d(1, 0, 2, 0, 1, -1), truth);
  cv::imwrite((dir / "a.png").string(), a);
  cv::imwrite((dir / "b.png").string(), b);
  const auto r =
      testing::run_cli("flow --image1 " + (dir / "a.png").string() + " --image2 " +
                       (dir / "b.png").string() + " --out " + (dir / "f.flo").string() +
                       " --color " + (dir / "f.png").string() + " --estimator dis-medium");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const cv::Mat f = read_flo(dir / "f.flo");
  EXPECT_LT(flow_error(f, truth, testing::interior_mask(a.size(), 12)).epe, 0.3);
  const cv::Mat colour = cv::imread((dir / "f.png").string());
  EXPECT_EQ(colour.size(), a.size());
}

TEST(FlowCli, WrongSizeOrUnreadableImageIsOneClearLine) {
  testing::TempDir dir;
  cv::imwrite((dir / "a.png").string(), testing::make_texture(64, 48, 1));
  cv::imwrite((dir / "b.png").string(), testing::make_texture(64, 40, 1));
  auto r = testing::run_cli("flow --image1 " + (dir / "a.png").string() + " --image2 " +
                            (dir / "b.png").string() + " --out " + (dir / "f.flo").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("motioncue: error: " + (dir / "b.png").string()), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("64x40"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "f.flo"));

  r = testing::run_cli("flow --image1 " + (dir / "missing.png").string() + " --image2 " +
                       (dir / "b.png").string() + " --out " + (dir / "f.flo").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("missing.png"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no such frame file"), std::string::npos) << r.output;

  r = testing::run_cli("flow --image1 " + (dir / "a.png").string() + " --image2 " +
                       (dir / "a.png").string() + " --out " + (dir / "f.flo").string() +
                       " --estimator nope");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("dis-medium"), std::string::npos) << r.output;
}

TEST(FlowCli, DatasetPrecomputeThenAllHits) {
  testing::TempDir dir;
  testing::write_sequence(dir / "unlabeled" / "s0", 4, {96, 80}, {1, 0});
  const std::string args =
      "flow --data " + dir.path().string() + " --estimator dis-fast --resolution 64";
  auto r = testing::run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("3 pairs"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0 flows cached already, 6 computed"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::is_directory(dir / ".flow_cache"));
  r = testing::run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("6 flows cached already, 0 computed"), std::string::npos) << r.output;
  // Another estimator: nothing is reused.
  r = testing::run_cli("flow --data " + dir.path().string() +
                       " --estimator farneback --resolution 64 --cache " + (dir / "c").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("0 flows cached already, 6 computed"), std::string::npos) << r.output;
}

TEST(FlowCli, EvaluateAgainstGroundTruth) {
  testing::TempDir dir;
  const cv::Size size(96, 80);
  testing::write_sequence(dir / "test" / "s0", 3, size, {1, 0});
  // Exact flow (1, 0) everywhere for the two pairs.
  for (int t = 0; t < 2; ++t) {
    char name[32];
    std::snprintf(name, sizeof name, "fw_%06d.npy", t);
    write_npy(dir / "test" / "s0" / "flow" / name,
              NpyArray::from_f32({size.height, size.width, 2},
                                 std::vector<float>(std::size_t(size.area()) * 2, 0.0f)));
  }
  // Ground truth says "no motion": the EPE is the true motion, 1 px at zoom 1.
  const auto r = testing::run_cli("flow --data " + dir.path().string() +
                                  " --estimator dis-medium --resolution 80 --evaluate");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto at = r.output.find("EPE ");
  ASSERT_NE(at, std::string::npos) << r.output;
  EXPECT_NEAR(std::stod(r.output.substr(at + 4)), 1.0, 0.1) << r.output;
  EXPECT_NE(r.output.find("of 2 pairs (0 pairs without ground truth)"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace motioncue::flow
