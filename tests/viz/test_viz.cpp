#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "../support/temp_dir.h"
#include "motioncue/core/files.h"
#include "motioncue/viz/html_report.h"
#include "motioncue/viz/plot.h"

namespace viz = motioncue::viz;

TEST(Plot, NiceTicksAreRoundAndCoverTheRange) {
  EXPECT_EQ(viz::nice_ticks(0, 10, 5), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  const auto t = viz::nice_ticks(43.2, 71.9, 6);
  ASSERT_FALSE(t.empty());
  EXPECT_GE(t.front(), 43.2);
  EXPECT_LE(t.back(), 71.9);
  EXPECT_DOUBLE_EQ(t[1] - t[0], 5.0);
}

TEST(Plot, LinePlotDrawsEachSeriesInItsColour) {
  viz::Series a{"a", {0, 1, 2}, {0, 1, 2}}, b{"b", {0, 1, 2}, {2, 1, 0}};
  const cv::Mat img = viz::line_plot({a, b}, "title", "step", "mm");
  ASSERT_EQ(img.type(), CV_8UC3);
  // Both palette colours appear (blue-ish first series, orange second).
  int first = 0, second = 0;
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) {
      const auto p = img.at<cv::Vec3b>(y, x);
      first += p == cv::Vec3b(180, 119, 31);
      second += p == cv::Vec3b(14, 127, 255);
    }
  EXPECT_GT(first, 50);
  EXPECT_GT(second, 50);
}

TEST(Plot, BarChartHandlesEmptyAndNonFiniteValues) {
  viz::Series g{"g", {}, {1.0, std::nan(""), 3.0}};
  EXPECT_NO_THROW(viz::bar_chart({"x", "y", "z"}, {g}, "t", "mm"));
  EXPECT_NO_THROW(viz::line_plot({}, "empty", "x", "y"));
}

TEST(Report, Base64AndEscaping) {
  EXPECT_EQ(viz::base64_encode({'M', 'a', 'n'}), "TWFu");
  EXPECT_EQ(viz::base64_encode({'M', 'a'}), "TWE=");
  EXPECT_EQ(viz::base64_encode({'M'}), "TQ==");
  EXPECT_EQ(viz::html_escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
}

TEST(Report, WritesHtmlMarkdownAndEveryReferencedFile) {
  motioncue::testing::TempDir dir;
  viz::Report r("demo <report>");
  r.heading("Results");
  r.paragraph("a & b");
  r.table({"arm", "PA-MPJPE"}, {{"baseline", "70.1"}, {"flow", "65.2"}});
  r.image(cv::Mat(20, 30, CV_8UC3, cv::Scalar(0, 0, 255)), "red.png", "a red image");
  r.write(dir.path());
  const std::string html = motioncue::read_file_text(dir / "report.html");
  EXPECT_NE(html.find("demo &lt;report&gt;"), std::string::npos);
  EXPECT_NE(html.find("data:image/png;base64,"), std::string::npos);
  EXPECT_NE(html.find("<td>65.2</td>"), std::string::npos);
  const std::string md = motioncue::read_file_text(dir / "report.md");
  EXPECT_NE(md.find("| baseline | 70.1 |"), std::string::npos);
  for (const auto& f : r.referenced_files()) EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
}
