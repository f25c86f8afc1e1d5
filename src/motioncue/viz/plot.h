// Small, dependency-free charts drawn with OpenCV: line plots for training curves and grouped
// bar charts for per-joint errors. Output: CV_8UC3 images, ready for PNG or an HTML report.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace motioncue::viz {

struct Series {
  std::string name;
  std::vector<double> x, y;  // same length; non-finite y values are skipped
};

cv::Mat line_plot(const std::vector<Series>& series, const std::string& title,
                  const std::string& x_label, const std::string& y_label,
                  cv::Size size = {720, 420});

// `groups[g].y[c]` is the bar of group g at category c (x is ignored).
cv::Mat bar_chart(const std::vector<std::string>& categories, const std::vector<Series>& groups,
                  const std::string& title, const std::string& y_label, cv::Size size = {900, 420});

// "Nice" axis ticks covering [lo, hi]: steps of 1, 2 or 5 x 10^k.
std::vector<double> nice_ticks(double lo, double hi, int target_count = 6);

}  // namespace motioncue::viz
