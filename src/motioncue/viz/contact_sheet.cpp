#include "motioncue/viz/contact_sheet.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace motioncue::viz {

cv::Mat make_contact_sheet(const std::vector<std::vector<cv::Mat>>& rows, int tile,
                           const std::vector<std::string>& captions) {
  constexpr int kGap = 2;
  std::size_t cols = 1;
  for (const auto& r : rows) cols = std::max(cols, r.size());
  const int n_rows = std::max<int>(1, static_cast<int>(rows.size()));
  cv::Mat sheet(n_rows * (tile + kGap) + kGap, static_cast<int>(cols) * (tile + kGap) + kGap,
                CV_8UC3, cv::Scalar(32, 32, 32));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      cv::Mat img = rows[i][j];
      if (img.empty()) continue;
      if (img.channels() == 1) cv::cvtColor(img, img, cv::COLOR_GRAY2BGR);
      cv::Mat resized;
      cv::resize(img, resized, cv::Size(tile, tile), 0, 0, cv::INTER_AREA);
      resized.copyTo(sheet(cv::Rect(kGap + static_cast<int>(j) * (tile + kGap),
                                    kGap + static_cast<int>(i) * (tile + kGap), tile, tile)));
      if (j == 0 && i < captions.size())
        cv::putText(sheet, captions[i],
                    cv::Point(kGap + 3, kGap + static_cast<int>(i) * (tile + kGap) + 12),
                    cv::FONT_HERSHEY_PLAIN, 0.8, cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
    }
  return sheet;
}

}  // namespace motioncue::viz
