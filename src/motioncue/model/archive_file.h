// A LibTorch archive stored with its checksum recorded in a JSON sidecar, and read back only when
// the bytes still match it. Network checkpoints and temporal-context checkpoints share this.
#pragma once

#include <c10/core/Device.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace torch::serialize {
class InputArchive;
class OutputArchive;
}  // namespace torch::serialize

namespace motioncue::model {

// Writes `archive` to `file` atomically, streamed (no copy of the whole archive in memory), and
// returns the sidecar's "archive" record: {"file", "bytes", "hash": "fnv1a64", "fnv1a64"}. A record
// without "hash" (written before the checksum was corrected) is checked with the legacy checksum.
// Throws Error naming the file when it cannot be written.
nlohmann::json write_archive(const std::filesystem::path& file,
                             torch::serialize::OutputArchive& archive);
// Reads `file` after checking it against sidecar["archive"]; an Error names the file otherwise.
torch::serialize::InputArchive open_verified_archive(const std::filesystem::path& file,
                                                     const nlohmann::json& sidecar,
                                                     const c10::Device& device);

}  // namespace motioncue::model
