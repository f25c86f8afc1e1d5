// A self-contained report: one HTML file (images embedded as data URIs, no network needed) and
// its markdown twin (images written beside it as PNG files). Sections are added in order.
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace motioncue::viz {

class Report {
 public:
  explicit Report(std::string title);

  void heading(const std::string& text, int level = 2);
  void paragraph(const std::string& text);  // plain text, escaped
  void table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows);
  // `name` is the file name (without folder) the markdown twin uses, e.g. "curves.png".
  void image(const cv::Mat& image, const std::string& name, const std::string& caption);
  // A short clip (frames of equal size), written as WebM (VP8) when OpenCV can, else as a
  // sequence of stills; embedded in the HTML.
  void video(const std::vector<cv::Mat>& frames, double fps, const std::string& name,
             const std::string& caption);
  void preformatted(const std::string& text);

  // Writes <dir>/report.html, <dir>/report.md and <dir>/report_files/*. Atomic per file.
  void write(const std::filesystem::path& dir) const;
  // Every file the report refers to, relative to its folder (for checks).
  std::vector<std::string> referenced_files() const;

 private:
  struct Block {
    enum Kind { kHeading, kParagraph, kTable, kImage, kVideo, kPre } kind;
    std::string text, name, caption;
    int level = 2;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<unsigned char> bytes;  // encoded image or video
    std::string mime;
  };
  std::string title_;
  std::vector<Block> blocks_;
};

std::string html_escape(const std::string& s);
std::string base64_encode(const std::vector<unsigned char>& bytes);

}  // namespace motioncue::viz
