#include "motioncue/model/archive_file.h"

#include <torch/torch.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/hash.h"
#include "motioncue/core/json_file.h"
#include "motioncue/model/torch_pickle.h"

namespace motioncue::model {

nlohmann::json write_archive(const std::filesystem::path& file,
                             torch::serialize::OutputArchive& archive) {
  AtomicFile out(file);
  std::uint64_t hash = fnv1a64(nullptr, 0);
  std::size_t size = 0;
  {
    std::ofstream stream(out.temp_path(), std::ios::binary | std::ios::trunc);
    if (!stream) throw Error(std::string("cannot write: ") + std::strerror(errno)).file(file);
    archive.save_to([&](const void* data, std::size_t n) -> std::size_t {
      hash = fnv1a64(data, n, hash);
      size += n;
      stream.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
      return stream ? n : 0;
    });
    stream.flush();
    if (!stream) throw Error("write failed (disk full?)").file(file);
  }
  out.commit();
  return {{"file", file.filename().string()},
          {"bytes", size},
          {"hash", "fnv1a64"},
          {"fnv1a64", hex64(hash)}};
}

torch::serialize::InputArchive open_verified_archive(const std::filesystem::path& file,
                                                     const nlohmann::json& sidecar,
                                                     const c10::Device& device) {
  using nlohmann::json;
  const auto bytes = read_file_bytes(file);
  const std::string origin = file.string() + ".json";  // both checkpoint kinds' sidecar
  const json record = json_field_or(sidecar, "archive", json::object(), origin);
  const auto expected = json_field_or(record, "fnv1a64", std::string(), origin);
  // Records without "hash" come from before the checksum was corrected (sidecar version 1).
  const bool legacy = json_field_or(record, "hash", std::string(), origin) != "fnv1a64";
  const std::string actual = legacy ? legacy_checkpoint_checksum_hex(bytes) : fnv1a64_hex(bytes);
  if (actual != expected)
    throw Error("checkpoint archive does not match its sidecar (corrupt, truncated or replaced)")
        .file(file.string())
        .expected("checksum " + expected + ", " +
                  std::to_string(json_field_or(record, "bytes", std::int64_t{0}, origin)) +
                  " bytes")
        .found("checksum " + actual + ", " + std::to_string(bytes.size()) + " bytes");
  detail::check_archive_tensors(bytes.data(), bytes.size(), file);
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(reinterpret_cast<const char*>(bytes.data()), bytes.size(), device);
  } catch (const std::exception& e) {  // c10::Error, and the TorchScript reader's ErrorReport
    std::string what = e.what();
    what.erase(0, what.find_first_not_of('\n'));
    throw Error("cannot read checkpoint archive")
        .file(file.string())
        .found(what.substr(0, what.find('\n')));
  }
  return archive;
}

}  // namespace motioncue::model
