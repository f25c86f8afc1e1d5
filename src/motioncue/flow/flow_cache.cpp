#include "motioncue/flow/flow_cache.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>

#include "motioncue/core/error.h"
#include "motioncue/core/hash.h"
#include "motioncue/core/npy.h"

namespace motioncue::flow {

std::filesystem::path default_flow_cache(const std::filesystem::path& benchmark_root) {
  return benchmark_root / ".flow_cache";
}

namespace fs = std::filesystem;

namespace {

// Bumped when the file layout or the key text changes, so old caches are not misread.
constexpr const char* kCacheVersion = "flowcache-v1";

std::optional<std::string> file_stamp(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  const auto size = fs::file_size(p, ec);
  if (ec) return std::nullopt;
  const auto mtime = fs::last_write_time(p, ec);
  if (ec) return std::nullopt;
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
  return std::to_string(size) + "|" + std::to_string(ns);
}

NpyArray to_half_npy(const cv::Mat& flow) {
  NpyArray a;
  a.dtype = DType::kF16;
  a.shape = {flow.rows, flow.cols, 2};
  a.bytes.resize(std::size_t(flow.total()) * 2 * sizeof(std::uint16_t));
  auto* out = reinterpret_cast<std::uint16_t*>(a.bytes.data());
  for (int y = 0; y < flow.rows; ++y) {
    const auto* row = flow.ptr<float>(y);
    for (int i = 0; i < 2 * flow.cols; ++i) *out++ = float_to_half(row[i]);
  }
  return a;
}

}  // namespace

cv::Mat round_to_half(const cv::Mat& flow) {
  if (flow.empty() || flow.type() != CV_32FC2)
    throw Error("only CV_32FC2 flow can be cached")
        .found(flow.empty() ? "empty" : cv::typeToString(flow.type()));
  cv::Mat out(flow.size(), CV_32FC2);
  for (int y = 0; y < flow.rows; ++y) {
    const auto* in = flow.ptr<float>(y);
    auto* o = out.ptr<float>(y);
    for (int i = 0; i < 2 * flow.cols; ++i) o[i] = half_to_float(float_to_half(in[i]));
  }
  return out;
}

std::string frame_identity(const std::string& frame) {
  // A file is named by its canonical path, so "a/../f.png", "./f.png" and an absolute path
  // share cache entries.
  const auto resolved = [](const std::string& path) -> std::optional<std::string> {
    auto stamp = file_stamp(path);
    if (!stamp) return std::nullopt;
    std::error_code ec;
    const auto canonical = fs::canonical(path, ec);
    return (ec ? path : canonical.string()) + "|" + *stamp;
  };
  if (auto id = resolved(frame)) return *id;
  const auto hash = frame.rfind('#');
  if (hash != std::string::npos)
    if (auto id = resolved(frame.substr(0, hash))) return *id + "|" + frame.substr(hash);
  return frame;
}

FlowCache::FlowCache(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw Error("cannot create the flow cache folder: " + ec.message()).file(dir_.string());
}

std::string FlowCache::canonical_key(const Key& key) {
  // Length-prefixed fields, so no choice of strings can make two keys collide textually.
  std::string text = kCacheVersion;
  for (const std::string& field :
       {frame_identity(key.frame1), frame_identity(key.frame2), key.crop, key.estimator,
        std::string(key.forward ? "forward" : "backward")})
    text += "\n" + std::to_string(field.size()) + ":" + field;
  return text;
}

fs::path FlowCache::path_for(const Key& key) const {
  const std::string text = canonical_key(key);
  const std::string name =
      hex64(fnv1a64(text)) + hex64(fnv1a64(text.data(), text.size(), 0x84222325cbf29ce4ULL));
  return dir_ / name.substr(0, 2) / (name + ".npy");
}

std::optional<cv::Mat> FlowCache::get(const Key& key) const {
  const fs::path file = path_for(key);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    ++misses_;
    return std::nullopt;
  }
  try {
    const NpyArray a = read_npy(file);
    if (a.shape.size() != 3 || a.shape[2] != 2 || a.shape[0] <= 0 || a.shape[1] <= 0)
      throw Error("cached flow has the wrong shape").file(file.string()).found(a.shape_string());
    const std::vector<float> values = a.to_f32();
    cv::Mat flow(int(a.shape[0]), int(a.shape[1]), CV_32FC2);
    std::memcpy(flow.data, values.data(), values.size() * sizeof(float));
    ++hits_;
    return flow;
  } catch (const Error& e) {
    spdlog::warn("ignoring a corrupt flow cache entry: {}", e.what());
    ++misses_;
    return std::nullopt;
  }
}

void FlowCache::put(const Key& key, const cv::Mat& flow) const {
  if (flow.empty() || flow.type() != CV_32FC2)
    throw Error("only CV_32FC2 flow can be cached")
        .found(flow.empty() ? "empty" : cv::typeToString(flow.type()));
  write_npy(path_for(key), to_half_npy(flow));
}

cv::Mat FlowCache::get_or_compute(const Key& key, const std::function<cv::Mat()>& compute) const {
  if (auto cached = get(key)) return *cached;
  // Returned as stored, so a miss and a later hit give the caller identical numbers.
  cv::Mat flow = round_to_half(compute());
  put(key, flow);
  return flow;
}

}  // namespace motioncue::flow
