#include "motioncue/core/files.h"

#include <cstdlib>

#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "motioncue/core/error.h"

namespace fs = std::filesystem;

namespace motioncue {

void require_regular_file(const fs::path& file) {
  std::error_code ec;
  const auto st = fs::status(file, ec);
  if (ec || !fs::exists(st)) throw Error("file not found").file(file.string());
  if (fs::is_directory(st)) throw Error("is a directory").file(file.string()).expected("a file");
  if (!fs::is_regular_file(st)) throw Error("not a regular file").file(file.string());
}

std::vector<std::uint8_t> read_file_bytes(const fs::path& file) {
  require_regular_file(file);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(std::string("cannot open: ") + std::strerror(errno)).file(file.string());
  in.seekg(0, std::ios::end);
  const std::streamoff n = in.tellg();
  in.seekg(0, std::ios::beg);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(n));
  if (n > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), n))
    throw Error("read failed").file(file.string());
  return bytes;
}

std::string read_file_text(const fs::path& file) {
  const auto bytes = read_file_bytes(file);
  return std::string(bytes.begin(), bytes.end());
}

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
  static std::atomic<unsigned> counter{0};
  const fs::path dir = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create directory: " + ec.message()).file(dir.string());
  temp_ = dir / ("." + target_.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                 std::to_string(counter++));
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

void AtomicFile::commit() {
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  if (ec)
    throw Error("cannot move finished file into place: " + ec.message()).file(target_.string());
  committed_ = true;
}

namespace {
void write_bytes_atomic(const fs::path& file, const char* data, std::size_t n) {
  AtomicFile out(file);
  {
    std::ofstream f(out.temp_path(), std::ios::binary | std::ios::trunc);
    if (!f) throw Error(std::string("cannot write: ") + std::strerror(errno)).file(file.string());
    f.write(data, static_cast<std::streamsize>(n));
    f.flush();
    if (!f) throw Error("write failed (disk full?)").file(file.string());
  }
  out.commit();
}
}  // namespace

void write_file_atomic(const fs::path& file, const std::vector<std::uint8_t>& bytes) {
  write_bytes_atomic(file, reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void write_file_atomic(const fs::path& file, const std::string& text) {
  write_bytes_atomic(file, text.data(), text.size());
}

std::filesystem::path user_cache_dir() {
  if (const char* cache = std::getenv("MOTIONCUE_CACHE"); cache && *cache) return cache;
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".cache" / "motioncue";
  throw Error("cannot locate the model cache: set MOTIONCUE_CACHE or HOME");
}

}  // namespace motioncue
