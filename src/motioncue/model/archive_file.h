// A LibTorch archive stored with its checksum recorded in a JSON sidecar, and read back only when
// the bytes still match it. Network checkpoints and temporal-context checkpoints share this.
#pragma once

#include <c10/core/Device.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace torch::serialize {
class InputArchive;
class OutputArchive;
}  // namespace torch::serialize

namespace motioncue::model {

std::vector<std::uint8_t> archive_bytes(torch::serialize::OutputArchive& archive);
// The sidecar's "archive" record: {"file", "bytes", "hash": "fnv1a64", "fnv1a64"}. A record without
// "hash" (written before the checksum was corrected) is checked with the legacy checksum.
nlohmann::json archive_record(const std::filesystem::path& file,
                              const std::vector<std::uint8_t>& bytes);
// Reads `file` after checking it against sidecar["archive"]; an Error names the file otherwise.
torch::serialize::InputArchive open_verified_archive(const std::filesystem::path& file,
                                                     const nlohmann::json& sidecar,
                                                     const c10::Device& device);

}  // namespace motioncue::model
