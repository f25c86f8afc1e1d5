// Internal to model/: a reader for PyTorch's zip checkpoint format (torch.save since 1.6) that
// understands the pickle opcodes torch.save emits (protocols 2-4) and rebuilds tensors from the
// archive's storages. LibTorch's own torch::pickle_load turns every collections.OrderedDict into
// None, so it cannot read model.state_dict(); this reader keeps them as ordinary dicts.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace motioncue::model::detail {

struct PyValue;
using PyRef = std::shared_ptr<PyValue>;

struct PyValue {
  enum class Kind { None, Bool, Int, Float, Str, Bytes, Tuple, List, Dict, Global, Tensor, Object };
  Kind kind = Kind::None;
  int64_t i = 0;
  double f = 0;
  std::string s;                              // Str, Bytes, Global ("module.name"), Object's class
  std::vector<PyRef> items;                   // Tuple, List, Object's arguments
  std::vector<std::pair<PyRef, PyRef>> dict;  // Dict, in insertion order
  at::Tensor tensor;

  const PyValue* find(const std::string& key) const;  // a Dict's value for a string key
};

// Throws Error naming the file for anything that is not a readable zip-format checkpoint.
PyRef load_torch_pickle(const std::filesystem::path& file);

// Reads the data.pkl of a zip archive in memory (a LibTorch OutputArchive: motioncue's
// checkpoints) with this reader, which checks every storage record against the element count its
// header declares and every tensor view against its storage. LibTorch's own reader does neither
// and would read out of bounds. Throws Error naming `file` when a length does not fit.
void check_archive_tensors(const std::uint8_t* bytes, std::size_t size,
                           const std::filesystem::path& file);

}  // namespace motioncue::model::detail
