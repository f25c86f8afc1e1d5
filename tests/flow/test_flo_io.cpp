#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/flow/flo_io.h"

namespace motioncue::flow {
namespace {

cv::Mat sample_flow() {
  cv::Mat f(5, 7, CV_32FC2);
  for (int y = 0; y < f.rows; ++y)
    for (int x = 0; x < f.cols; ++x) f.at<cv::Vec2f>(y, x) = cv::Vec2f(x - 3.25f, 0.5f * y);
  f.at<cv::Vec2f>(2, 4) = cv::Vec2f(std::numeric_limits<float>::quiet_NaN(), 1.0f);
  return f;
}

TEST(FloIo, RoundTripKeepsValuesAndUnknowns) {
  testing::TempDir dir;
  const cv::Mat f = sample_flow();
  write_flo(dir / "a.flo", f);
  EXPECT_EQ(std::filesystem::file_size(dir / "a.flo"), 12u + 5 * 7 * 8);
  const cv::Mat g = read_flo(dir / "a.flo");
  ASSERT_EQ(g.type(), CV_32FC2);
  ASSERT_EQ(g.size(), f.size());
  for (int y = 0; y < f.rows; ++y)
    for (int x = 0; x < f.cols; ++x) {
      const auto a = f.at<cv::Vec2f>(y, x), b = g.at<cv::Vec2f>(y, x);
      if (y == 2 && x == 4) {
        EXPECT_TRUE(std::isnan(b[0]) && std::isnan(b[1]));  // unknown as a whole vector
      } else {
        EXPECT_EQ(a, b) << y << "," << x;
      }
    }
}

TEST(FloIo, LayoutIsMiddleburyLittleEndian) {
  testing::TempDir dir;
  cv::Mat f(1, 2, CV_32FC2);
  f.at<cv::Vec2f>(0, 0) = cv::Vec2f(1.5f, -2.0f);
  f.at<cv::Vec2f>(0, 1) = cv::Vec2f(0.25f, 8.0f);
  write_flo(dir / "b.flo", f);
  const auto bytes = read_file_bytes(dir / "b.flo");
  ASSERT_EQ(bytes.size(), 28u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "PIEH");
  float v[4];
  std::memcpy(v, bytes.data() + 12, 16);
  EXPECT_EQ(v[0], 1.5f);
  EXPECT_EQ(v[1], -2.0f);
  EXPECT_EQ(v[2], 0.25f);
  EXPECT_EQ(v[3], 8.0f);
  EXPECT_EQ(bytes[4], 2);  // width, little-endian
  EXPECT_EQ(bytes[8], 1);  // height
}

void expect_error_mentions(const std::filesystem::path& file, const std::string& words) {
  try {
    read_flo(file);
    FAIL() << "no error for " << file;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(FloIo, CorruptFilesGiveClearErrors) {
  testing::TempDir dir;
  write_flo(dir / "good.flo", sample_flow());
  auto bytes = read_file_bytes(dir / "good.flo");

  auto truncated = bytes;
  truncated.resize(bytes.size() - 8);
  write_file_atomic(dir / "truncated.flo", truncated);
  expect_error_mentions(dir / "truncated.flo", "truncated");

  auto bad_tag = bytes;
  bad_tag[0] = 'X';
  write_file_atomic(dir / "tag.flo", bad_tag);
  expect_error_mentions(dir / "tag.flo", "wrong tag");

  auto huge = bytes;
  const std::int32_t w = -5;
  std::memcpy(huge.data() + 4, &w, 4);
  write_file_atomic(dir / "dims.flo", huge);
  expect_error_mentions(dir / "dims.flo", "implausible dimensions");

  write_file_atomic(dir / "short.flo", std::string("PIEH"));
  expect_error_mentions(dir / "short.flo", "header");

  EXPECT_THROW(read_flo(dir / "missing.flo"), Error);
}

TEST(FloIo, WriteRejectsWrongType) {
  testing::TempDir dir;
  EXPECT_THROW(write_flo(dir / "x.flo", cv::Mat(3, 3, CV_32FC1)), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.flo"));
}

}  // namespace
}  // namespace motioncue::flow
