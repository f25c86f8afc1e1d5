#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "../support/error_text.h"
#include "../support/run_cli.h"
#include "../support/temp_dir.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npy.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/flow/flo_io.h"
#include "motioncue/flow/metrics.h"
#include "nan_module.h"
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

// Two processes filling one cache at once (two ranks of a data-parallel run computing the same
// pairs): both succeed, and every entry they left is whole, so a third run finds all of them and
// reads the flow a cache filled by one process holds.
TEST(FlowCli, TwoProcessesFillingOneCacheLeaveItWhole) {
  testing::TempDir dir;
  testing::write_sequence(dir / "unlabeled" / "s0", 12, {96, 80}, {1, 0});
  const std::string args =
      " flow --data " + dir.path().string() + " --estimator dis-fast --resolution 64 --cache ";
  const std::string cli = std::string(MOTIONCUE_CLI) + " --quiet";
  const std::string shared = (dir / "shared").string(), single = (dir / "single").string();
  const std::string both = "(" + cli + args + shared + " > /dev/null 2>&1; echo $? > " +
                           (dir / "a.rc").string() + ") & (" + cli + args + shared +
                           " > /dev/null 2>&1; echo $? > " + (dir / "b.rc").string() + "); wait";
  ASSERT_EQ(std::system(both.c_str()), 0);
  EXPECT_EQ(read_file_text(dir / "a.rc"), "0\n");
  EXPECT_EQ(read_file_text(dir / "b.rc"), "0\n");
  const auto again = testing::run_cli(args + shared);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("22 flows cached already, 0 computed"), std::string::npos)
      << again.output;
  ASSERT_EQ(testing::run_cli(args + single).exit_code, 0);
  std::vector<std::filesystem::path> entries;
  for (const auto& e : std::filesystem::recursive_directory_iterator(single))
    if (e.is_regular_file()) entries.push_back(std::filesystem::relative(e.path(), single));
  ASSERT_EQ(entries.size(), 22u);
  // The same entries, each a whole 64 x 64 x 2 flow whose values match one process's to float16
  // rounding (DIS may differ in the last bits between runs).
  for (const auto& rel : entries) {
    const auto got = read_npy(std::filesystem::path(shared) / rel).to_f32();
    const auto want = read_npy(std::filesystem::path(single) / rel).to_f32();
    ASSERT_EQ(got.size(), 64u * 64u * 2u) << rel;
    ASSERT_EQ(want.size(), got.size()) << rel;
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i)
      worst = std::max(worst, static_cast<double>(std::abs(got[i] - want[i])));
    EXPECT_LT(worst, 0.05) << rel;
  }
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

// The CLI's output as lines.
std::vector<std::string> output_lines(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Exit 1 and exactly one line, the motioncue error, holding every one of `words`.
void expect_one_error_line(const testing::CliResult& r, const std::vector<std::string>& words) {
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const auto lines = output_lines(r.output);
  ASSERT_EQ(lines.size(), 1u) << r.output;
  EXPECT_EQ(lines[0].rfind("motioncue: error: ", 0), 0u) << r.output;
  for (const auto& w : words) EXPECT_NE(lines[0].find(w), std::string::npos) << r.output;
}

// NaN and infinite boxes used to be cropped to blank images and their all-zero flows cached.
TEST(FlowCli, NonFiniteBoxesAreOneClearLineAndCacheNothing) {
  testing::TempDir dir;
  testing::write_sequence(dir / "seq", 3, {96, 80}, {1, 0});
  const std::string ann = (dir / "seq" / "annotations.npz").string();
  for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    testing::set_sequence_box(dir / "seq", 1, 48, bad, 0.4);
    expect_one_error_line(
        testing::run_cli("flow --data " + dir.path().string() + " --estimator dis-fast"),
        {ann + ": center/scale[1]: the person box is not finite"});
    EXPECT_FALSE(std::filesystem::exists(dir / ".flow_cache"));
  }
}

// Ground truth of the wrong shape was cropped as if it fitted and a plausible EPE printed.
TEST(FlowCli, EvaluateRefusesGroundTruthOfTheWrongShape) {
  testing::TempDir dir;
  testing::write_sequence(dir / "test" / "s0", 3, {96, 80}, {1, 0});
  for (int t = 0; t < 2; ++t) {
    char name[32];
    std::snprintf(name, sizeof name, "fw_%06d.npy", t);
    write_npy(dir / "test" / "s0" / "flow" / name,
              NpyArray::from_f32({80, 80, 2}, std::vector<float>(80 * 80 * 2, 0.0f)));
  }
  expect_one_error_line(testing::run_cli("flow --data " + dir.path().string() +
                                         " --estimator dis-fast --resolution 64 --evaluate"),
                        {(dir / "test" / "s0" / "flow" / "fw_00000").string(),
                         "ground-truth flow does not match the frame size",
                         "(expected (80, 96, 2) for 96x80 frames, found (80, 80, 2))"});
}

// A TorchScript network returning NaN: refused naming the module, and no .flo written.
TEST(FlowCli, NonFiniteTorchScriptFlowIsOneClearLine) {
  testing::TempDir dir;
  const auto module = testing::write_nan_flow_module(dir / "nan_flow.pt");
  cv::imwrite((dir / "a.png").string(), testing::make_texture(32, 24, 1));
  cv::imwrite((dir / "b.png").string(), testing::make_texture(32, 24, 2));
  expect_one_error_line(
      testing::run_cli("flow --image1 " + (dir / "a.png").string() + " --image2 " +
                       (dir / "b.png").string() + " --out " + (dir / "f.flo").string() +
                       " --estimator torchscript:" + module.string()),
      {module.string() + ": the module's flow has non-finite values"});
  EXPECT_FALSE(std::filesystem::exists(dir / "f.flo"));
}

// DIS on images or crops under 12 pixels reached the user as OpenCV's multi-line assertion (with
// its source path) and left an empty cache folder; on a small wide image (40x8) it crashed.
TEST(FlowCli, SizesDisCannotTakeAreOneClearLine) {
  testing::TempDir dir;
  for (const cv::Size size : {cv::Size(8, 8), cv::Size(40, 8)}) {
    cv::imwrite((dir / "a.png").string(), testing::make_texture(size.width, size.height, 1));
    expect_one_error_line(
        testing::run_cli("flow --image1 " + (dir / "a.png").string() + " --image2 " +
                         (dir / "a.png").string() + " --out " + (dir / "f.flo").string()),
        {(dir / "a.png").string() +
             ": the images are too small or too thin for the flow estimator dis-medium",
         "found " + std::to_string(size.width) + "x" + std::to_string(size.height) + ")"});
    EXPECT_FALSE(std::filesystem::exists(dir / "f.flo"));
  }

  testing::write_sequence(dir / "seq", 3, {96, 80}, {1, 0});
  expect_one_error_line(
      testing::run_cli("flow --data " + dir.path().string() + " --resolution 8"),
      {"--resolution: the crops are too small for the flow estimator dis-medium (expected at "
       "least 12, found 8)"});
  EXPECT_FALSE(std::filesystem::exists(dir / ".flow_cache"));
}

// The verb reads sequence folders as refine, eval and temporal do (data::VideoDataset): it takes
// the folders they take (here JPEG frames numbered from 1, as ffmpeg writes them) and refuses
// the others with the same error.
TEST(FlowCli, TakesAndRefusesTheFoldersTheTrainersDo) {
  testing::TempDir dir;
  const auto frames = dir / "unlabeled" / "s0" / "frames";
  testing::write_sequence(dir / "unlabeled" / "s0", 4, {96, 80}, {1, 0});
  for (int t = 0; t < 4; ++t) {
    char png[32], jpg[32];
    std::snprintf(png, sizeof png, "%06d.png", t);
    std::snprintf(jpg, sizeof jpg, "%06d.jpg", t + 1);
    cv::imwrite((frames / jpg).string(), cv::imread((frames / png).string()));
    std::filesystem::remove(frames / png);
  }
  const std::string args =
      "flow --data " + dir.path().string() + " --estimator dis-fast --resolution 64";
  const auto r = testing::run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("3 pairs"), std::string::npos) << r.output;
  EXPECT_EQ(data::VideoDataset::open(dir / "unlabeled").num_frames(0), 4);

  const auto refused_alike = [&](const std::string& words) {
    const std::string message =
        testing::error_of([&] { data::VideoDataset::open(dir / "unlabeled"); });
    EXPECT_NE(message.find(words), std::string::npos) << message;
    expect_one_error_line(testing::run_cli(args), {message});
  };
  std::filesystem::create_directories(dir / "unlabeled" / "notes");
  refused_alike((dir / "unlabeled" / "notes").string());
  std::filesystem::remove(dir / "unlabeled" / "notes");
  std::filesystem::remove(frames / "000002.jpg");
  refused_alike((frames / "000002.jpg").string());
}

}  // namespace
}  // namespace motioncue::flow
