// Exchange of weights with PyTorch by parameter name. Import reads files written by
// torch.save (zip format, PyTorch >= 1.6): a bare state dict (model.state_dict()) or a dict
// holding one (SPIN's {"model": ...}), with or without DataParallel's "module." prefix. Export
// writes a plain dict of name -> tensor that torch.load reads.
#pragma once

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "motioncue/model/network.h"

namespace motioncue::model {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// The tensors of a state dict, in file order. `entry` picks a sub-dict ("model", "state_dict");
// empty: the top-level dict if it holds tensors, else its "state_dict" or "model" entry.
NamedTensors read_pytorch_state_dict(const std::filesystem::path& file,
                                     const std::string& entry = "");

struct ImportOptions {
  std::string entry;                // as in read_pytorch_state_dict
  bool strip_module_prefix = true;  // "module.fc1.weight" -> "fc1.weight"
  bool allow_missing = false;       // network tensors absent from the file keep their values
  bool allow_unexpected = false;    // file tensors the network lacks are ignored
};

struct ImportReport {
  std::vector<std::string> matched;     // copied
  std::vector<std::string> missing;     // in the network, not in the file
  std::vector<std::string> unexpected;  // in the file, not in the network
  std::vector<std::string> misshaped;   // "name (file [..], network [..])"
};

// Copies every matching parameter and buffer. Throws Error naming the file and listing every
// problem (mis-shaped always; missing/unexpected unless allowed; a NaN or infinite value) before
// changing anything.
// BatchNorm's num_batches_tracked, which older PyTorch files lack, is never required.
ImportReport import_pytorch_weights(const std::filesystem::path& file, PoseNetwork& network,
                                    const ImportOptions& options = {});

// Parameters and buffers as a dict for torch.load (CPU tensors), written atomically.
void export_pytorch_weights(const std::filesystem::path& file, const PoseNetwork& network);

}  // namespace motioncue::model
