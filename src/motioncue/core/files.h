// File helpers every module uses: checked reads, atomic writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace motioncue {

// Throws Error naming the path when it is missing, a directory, or unreadable.
void require_regular_file(const std::filesystem::path& file);
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& file);
std::string read_file_text(const std::filesystem::path& file);

// A temporary path beside `target` that is renamed onto it by commit(). If the object is
// destroyed without commit() (an exception, a crash of the writer), the temporary is removed and
// `target` is untouched, so a half-written file never looks complete.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  void commit();

 private:
  std::filesystem::path target_, temp_;
  bool committed_ = false;
};

// The folder for what motioncue builds or fetches once per user (the default body model, the
// pretrained vision models): $MOTIONCUE_CACHE, else $HOME/.cache/motioncue.
std::filesystem::path user_cache_dir();

void write_file_atomic(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes);
void write_file_atomic(const std::filesystem::path& file, const std::string& text);

}  // namespace motioncue
