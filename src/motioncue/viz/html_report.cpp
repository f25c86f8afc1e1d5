#include "motioncue/viz/html_report.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <random>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue::viz {

std::string html_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

std::string base64_encode(const std::vector<unsigned char>& b) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string o;
  o.reserve((b.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < b.size(); i += 3) {
    const unsigned v =
        (b[i] << 16) | ((i + 1 < b.size() ? b[i + 1] : 0) << 8) | (i + 2 < b.size() ? b[i + 2] : 0);
    o += k[(v >> 18) & 63];
    o += k[(v >> 12) & 63];
    o += i + 1 < b.size() ? k[(v >> 6) & 63] : '=';
    o += i + 2 < b.size() ? k[v & 63] : '=';
  }
  return o;
}

Report::Report(std::string title) : title_(std::move(title)) {}

void Report::heading(const std::string& text, int level) {
  Block b{Block::kHeading, text, "", "", level, {}, {}, {}, ""};
  blocks_.push_back(std::move(b));
}

void Report::paragraph(const std::string& text) {
  blocks_.push_back({Block::kParagraph, text, "", "", 2, {}, {}, {}, ""});
}

void Report::preformatted(const std::string& text) {
  blocks_.push_back({Block::kPre, text, "", "", 2, {}, {}, {}, ""});
}

void Report::table(const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows) {
  blocks_.push_back({Block::kTable, "", "", "", 2, header, rows, {}, ""});
}

void Report::image(const cv::Mat& image, const std::string& name, const std::string& caption) {
  std::vector<unsigned char> png;
  if (image.empty() || !cv::imencode(".png", image, png))
    throw Error("cannot encode report image").key(name);
  blocks_.push_back({Block::kImage, "", name, caption, 2, {}, {}, std::move(png), "image/png"});
}

void Report::video(const std::vector<cv::Mat>& frames, double fps, const std::string& name,
                   const std::string& caption) {
  if (frames.empty()) throw Error("a report video needs frames").key(name);
  // OpenCV writes to files only: encode into a temporary file, then read the bytes back.
  const auto tmp = std::filesystem::temp_directory_path() /
                   ("motioncue_video_" + std::to_string(std::random_device{}()) + ".webm");
  cv::VideoWriter writer(tmp.string(), cv::VideoWriter::fourcc('V', 'P', '8', '0'), fps,
                         frames.front().size());
  std::vector<unsigned char> bytes;
  if (writer.isOpened()) {
    for (const auto& f : frames) writer.write(f);
    writer.release();
    if (std::filesystem::exists(tmp)) {
      const auto data = read_file_bytes(tmp);
      bytes.assign(data.begin(), data.end());
    }
  }
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  if (bytes.empty()) {  // no VP8 encoder: fall back to the first and last frames as stills
    image(frames.front(), name + "_first.png", caption + " (first frame)");
    image(frames.back(), name + "_last.png", caption + " (last frame)");
    return;
  }
  blocks_.push_back({Block::kVideo, "", name, caption, 2, {}, {}, std::move(bytes), "video/webm"});
}

std::vector<std::string> Report::referenced_files() const {
  std::vector<std::string> files;
  for (const auto& b : blocks_)
    if (b.kind == Block::kImage || b.kind == Block::kVideo)
      files.push_back("report_files/" + b.name);
  return files;
}

void Report::write(const std::filesystem::path& dir) const {
  std::string html =
      "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + html_escape(title_) +
      "</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;"
      "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
      "figure{margin:1em 0}figcaption{color:#555;font-size:90%}img,video{max-width:100%}"
      "pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:85%}</style></head><body>\n";
  html += "<h1>" + html_escape(title_) + "</h1>\n";
  std::string md = "# " + title_ + "\n\n";
  for (const auto& b : blocks_) {
    switch (b.kind) {
      case Block::kHeading: {
        const std::string l = std::to_string(std::clamp(b.level, 1, 6));
        html += "<h" + l + ">" + html_escape(b.text) + "</h" + l + ">\n";
        md += std::string(std::clamp(b.level, 1, 6), '#') + " " + b.text + "\n\n";
        break;
      }
      case Block::kParagraph:
        html += "<p>" + html_escape(b.text) + "</p>\n";
        md += b.text + "\n\n";
        break;
      case Block::kPre:
        html += "<pre>" + html_escape(b.text) + "</pre>\n";
        md += "```\n" + b.text + (b.text.empty() || b.text.back() != '\n' ? "\n" : "") + "```\n\n";
        break;
      case Block::kTable: {
        html += "<table><tr>";
        for (const auto& h : b.header) html += "<th>" + html_escape(h) + "</th>";
        html += "</tr>\n";
        md += "|";
        for (const auto& h : b.header) md += " " + h + " |";
        md += "\n|";
        for (std::size_t i = 0; i < b.header.size(); ++i) md += i == 0 ? "---|" : "---:|";
        md += "\n";
        for (const auto& r : b.rows) {
          html += "<tr>";
          md += "|";
          for (const auto& c : r) {
            html += "<td>" + html_escape(c) + "</td>";
            md += " " + c + " |";
          }
          html += "</tr>\n";
          md += "\n";
        }
        html += "</table>\n";
        md += "\n";
        break;
      }
      case Block::kImage:
      case Block::kVideo: {
        const std::string uri = "data:" + b.mime + ";base64," + base64_encode(b.bytes);
        html += "<figure>";
        html += b.kind == Block::kImage
                    ? "<img src=\"" + uri + "\" alt=\"" + html_escape(b.caption) + "\">"
                    : "<video controls loop autoplay muted src=\"" + uri + "\"></video>";
        html += "<figcaption>" + html_escape(b.caption) + "</figcaption></figure>\n";
        md += b.kind == Block::kImage ? "![" + b.caption + "](report_files/" + b.name + ")\n\n"
                                      : "[" + b.caption + "](report_files/" + b.name + ")\n\n";
        write_file_atomic(dir / "report_files" / b.name,
                          std::vector<std::uint8_t>(b.bytes.begin(), b.bytes.end()));
        break;
      }
    }
  }
  html += "</body></html>\n";
  write_file_atomic(dir / "report.md", md);
  write_file_atomic(dir / "report.html", html);
}

}  // namespace motioncue::viz
