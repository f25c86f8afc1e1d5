#include "motioncue/flow/flo_io.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue::flow {

namespace {

constexpr float kTag = 202021.25f;
constexpr float kUnknown = 1e10f;
constexpr float kUnknownThreshold = 1e9f;  // Middlebury's own reader uses this bound
constexpr std::int32_t kMaxSide = 1 << 16;

}  // namespace

cv::Mat read_flo(const std::filesystem::path& file) {
  return parse_flo(read_file_bytes(file), file.string());
}

cv::Mat parse_flo(const std::vector<std::uint8_t>& bytes, const std::string& origin) {
  static_assert(sizeof(float) == 4 && sizeof(std::int32_t) == 4);
  if (bytes.size() < 12)
    throw Error("not a .flo file: shorter than its 12-byte header")
        .file(origin)
        .found(std::to_string(bytes.size()) + " bytes");
  float tag;
  std::int32_t w, h;
  std::memcpy(&tag, bytes.data(), 4);
  std::memcpy(&w, bytes.data() + 4, 4);
  std::memcpy(&h, bytes.data() + 8, 4);
  if (tag != kTag) throw Error("not a .flo file: wrong tag").file(origin).expected("PIEH");
  if (w <= 0 || h <= 0 || w > kMaxSide || h > kMaxSide)
    throw Error(".flo header has implausible dimensions")
        .file(origin)
        .found(std::to_string(w) + "x" + std::to_string(h));
  const std::size_t expected = 12 + std::size_t(w) * std::size_t(h) * 8;
  if (bytes.size() != expected)
    throw Error(".flo file size does not match its header (truncated or corrupt)")
        .file(origin)
        .expected(std::to_string(expected) + " bytes")
        .found(std::to_string(bytes.size()) + " bytes");
  cv::Mat flow(h, w, CV_32FC2);
  std::memcpy(flow.data, bytes.data() + 12, expected - 12);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  flow.forEach<cv::Vec2f>([&](cv::Vec2f& f, const int*) {
    if (!(std::abs(f[0]) < kUnknownThreshold && std::abs(f[1]) < kUnknownThreshold))
      f = cv::Vec2f(nan, nan);
  });
  return flow;
}

void write_flo(const std::filesystem::path& file, const cv::Mat& flow) {
  if (flow.empty() || flow.type() != CV_32FC2)
    throw Error("cannot write .flo: the flow must be a non-empty CV_32FC2 image")
        .file(file.string())
        .found(flow.empty() ? "empty" : cv::typeToString(flow.type()));
  std::vector<std::uint8_t> bytes(12 + std::size_t(flow.total()) * 8);
  const std::int32_t w = flow.cols, h = flow.rows;
  std::memcpy(bytes.data(), &kTag, 4);
  std::memcpy(bytes.data() + 4, &w, 4);
  std::memcpy(bytes.data() + 8, &h, 4);
  auto* out = reinterpret_cast<float*>(bytes.data() + 12);
  for (int y = 0; y < h; ++y) {
    const auto* row = flow.ptr<cv::Vec2f>(y);
    for (int x = 0; x < w; ++x, out += 2) {
      const bool known = std::isfinite(row[x][0]) && std::isfinite(row[x][1]);
      out[0] = known ? row[x][0] : kUnknown;
      out[1] = known ? row[x][1] : kUnknown;
    }
  }
  write_file_atomic(file, bytes);
}

}  // namespace motioncue::flow
