// NumPy .npz archives (zip files of .npy entries, stored or deflated), via libzip.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "motioncue/core/npy.h"

namespace motioncue {

class Npz {
 public:
  Npz() = default;
  explicit Npz(std::string origin) : origin_(std::move(origin)) {}

  bool contains(const std::string& key) const { return arrays_.count(key) > 0; }
  // Throws Error naming the archive and the key when the key is absent.
  const NpyArray& at(const std::string& key) const;
  // As at(), but also checks the rank and, where `dims` has a value >= 0, each dimension.
  const NpyArray& at(const std::string& key, const std::vector<std::int64_t>& dims) const;
  void set(const std::string& key, NpyArray array) { arrays_[key] = std::move(array); }
  std::vector<std::string> keys() const;
  const std::string& origin() const { return origin_; }

 private:
  std::string origin_;
  std::map<std::string, NpyArray> arrays_;
};

Npz read_npz(const std::filesystem::path& file);
// Parses an archive held in memory; `origin` names it in error messages.
Npz parse_npz(const std::uint8_t* data, std::size_t size, const std::string& origin);
// Writes atomically and reproducibly (fixed entry times: the same arrays give the same bytes).
// `compress` deflates the entries (numpy's savez_compressed).
void write_npz(const std::filesystem::path& file, const Npz& npz, bool compress = true);

}  // namespace motioncue
