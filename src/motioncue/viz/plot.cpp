#include "motioncue/viz/plot.h"

#include <opencv2/imgproc.hpp>

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <limits>

namespace motioncue::viz {
namespace {

const std::vector<cv::Scalar> kPalette = {{180, 119, 31},  {14, 127, 255},  {44, 160, 44},
                                          {40, 39, 214},   {189, 103, 148}, {75, 86, 140},
                                          {194, 119, 227}, {127, 127, 127}};
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;

struct Frame {
  cv::Rect area;  // plotting area in pixels
  double x0, x1, y0, y1;
  cv::Point map(double x, double y) const {
    const double fx = x1 > x0 ? (x - x0) / (x1 - x0) : 0.5;
    const double fy = y1 > y0 ? (y - y0) / (y1 - y0) : 0.5;
    return {area.x + static_cast<int>(std::lround(fx * area.width)),
            area.y + area.height - static_cast<int>(std::lround(fy * area.height))};
  }
};

std::string tick_label(double v) {
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 1e4 || a < 1e-2) return fmt::format("{:.1e}", v);
  if (a >= 100 || std::fabs(v - std::round(v)) < 1e-9) return fmt::format("{:.0f}", v);
  return fmt::format("{:.2g}", v);
}

void text(cv::Mat& img, const std::string& s, cv::Point p, double scale = 0.45,
          cv::Scalar color = {40, 40, 40}, int thickness = 1) {
  cv::putText(img, s, p, kFont, scale, color, thickness, cv::LINE_AA);
}

int text_width(const std::string& s, double scale) {
  int base = 0;
  return cv::getTextSize(s, kFont, scale, 1, &base).width;
}

// Draws the axes, the grid and the labels; returns the frame mapping data to pixels.
Frame draw_axes(cv::Mat& img, double x0, double x1, double y0, double y1, const std::string& title,
                const std::string& x_label, const std::string& y_label, bool x_ticks) {
  Frame f{cv::Rect(70, 40, img.cols - 90, img.rows - 95), x0, x1, y0, y1};
  text(img, title, {f.area.x, 24}, 0.6, {20, 20, 20}, 1);
  for (double t : nice_ticks(y0, y1)) {
    const cv::Point p = f.map(x0, t);
    cv::line(img, {f.area.x, p.y}, {f.area.x + f.area.width, p.y}, {225, 225, 225}, 1);
    const std::string s = tick_label(t);
    text(img, s, {f.area.x - 8 - text_width(s, 0.4), p.y + 4}, 0.4);
  }
  if (x_ticks) {
    for (double t : nice_ticks(x0, x1)) {
      const cv::Point p = f.map(t, y0);
      cv::line(img, {p.x, f.area.y + f.area.height}, {p.x, f.area.y + f.area.height + 4},
               {80, 80, 80}, 1);
      const std::string s = tick_label(t);
      text(img, s, {p.x - text_width(s, 0.4) / 2, f.area.y + f.area.height + 18}, 0.4);
    }
  }
  cv::rectangle(img, f.area, {80, 80, 80}, 1);
  // Between the tick labels (baseline rows - 37) and the legend (top rows - 21).
  text(img, x_label, {f.area.x + f.area.width / 2 - text_width(x_label, 0.45) / 2, img.rows - 24});
  // y label: drawn horizontally above the axis (OpenCV cannot rotate text cheaply).
  text(img, y_label, {6, f.area.y - 6}, 0.42);
  return f;
}

void legend(cv::Mat& img, const Frame& f, const std::vector<std::string>& names) {
  int x = f.area.x;
  const int y = img.rows - 12;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const cv::Scalar c = kPalette[i % kPalette.size()];
    cv::rectangle(img, {x, y - 9, 14, 9}, c, cv::FILLED);
    text(img, names[i], {x + 18, y}, 0.42);
    x += 30 + text_width(names[i], 0.42);
  }
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target_count) {
  std::vector<double> ticks;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  const double raw = (hi - lo) / std::max(1, target_count);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step)
    ticks.push_back(std::fabs(t) < 1e-12 * step ? 0.0 : t);
  return ticks;
}

cv::Mat line_plot(const std::vector<Series>& series, const std::string& title,
                  const std::string& x_label, const std::string& y_label, cv::Size size) {
  cv::Mat img(size, CV_8UC3, cv::Scalar(255, 255, 255));
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& s : series)
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
    }
  if (!std::isfinite(x0)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  // Flat data (e.g. a share that stays 0) gets a readable range around it, not +-1e-9.
  const double pad = y1 > y0 ? (y1 - y0) * 0.05 : std::max(1.0, 0.05 * std::fabs(y0));
  const Frame f = draw_axes(img, x0, x1, y0 - pad, y1 + pad, title, x_label, y_label, true);
  std::vector<std::string> names;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const cv::Scalar c = kPalette[k % kPalette.size()];
    std::vector<cv::Point> pts;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (std::isfinite(s.y[i])) pts.push_back(f.map(s.x[i], s.y[i]));
    if (pts.size() == 1) cv::circle(img, pts[0], 3, c, cv::FILLED, cv::LINE_AA);
    if (pts.size() > 1) cv::polylines(img, pts, false, c, 2, cv::LINE_AA);
    names.push_back(s.name);
  }
  legend(img, f, names);
  return img;
}

cv::Mat bar_chart(const std::vector<std::string>& categories, const std::vector<Series>& groups,
                  const std::string& title, const std::string& y_label, cv::Size size) {
  cv::Mat img(size, CV_8UC3, cv::Scalar(255, 255, 255));
  double y1 = 0;
  for (const auto& g : groups)
    for (double v : g.y)
      if (std::isfinite(v)) y1 = std::max(y1, v);
  if (y1 <= 0) y1 = 1;
  const Frame f = draw_axes(img, 0, static_cast<double>(categories.size()), 0, y1 * 1.08, title, "",
                            y_label, false);
  const double slot =
      static_cast<double>(f.area.width) / std::max<std::size_t>(1, categories.size());
  const double bar = slot * 0.8 / std::max<std::size_t>(1, groups.size());
  for (std::size_t c = 0; c < categories.size(); ++c) {
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (c >= groups[g].y.size() || !std::isfinite(groups[g].y[c])) continue;
      const int x = f.area.x + static_cast<int>(c * slot + slot * 0.1 + g * bar);
      const cv::Point top = f.map(0, groups[g].y[c]);
      cv::rectangle(img, cv::Point(x, top.y),
                    cv::Point(x + std::max(1, static_cast<int>(bar) - 1), f.area.y + f.area.height),
                    kPalette[g % kPalette.size()], cv::FILLED);
    }
    // Category labels, shortened to fit the slot.
    std::string label = categories[c];
    while (label.size() > 2 && text_width(label, 0.35) > slot - 2) label.pop_back();
    text(img, label,
         {f.area.x + static_cast<int>(c * slot + slot / 2) - text_width(label, 0.35) / 2,
          f.area.y + f.area.height + 16},
         0.35);
  }
  std::vector<std::string> names;
  for (const auto& g : groups) names.push_back(g.name);
  legend(img, f, names);
  return img;
}

}  // namespace motioncue::viz
