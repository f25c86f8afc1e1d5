#include "motioncue/body/stable_npz.h"

#include <zip.h>

#include <memory>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue::body {

void write_npz_reproducible(const std::filesystem::path& file, const Npz& npz) {
  AtomicFile out(file);
  int err = 0;
  zip_t* z = zip_open(out.temp_path().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw Error("cannot create archive").file(file.string());
  std::vector<std::vector<std::uint8_t>> buffers;
  buffers.reserve(npz.keys().size());
  for (const auto& key : npz.keys()) {
    buffers.push_back(serialize_npy(npz.at(key)));
    auto& buf = buffers.back();
    zip_source_t* src = zip_source_buffer(z, buf.data(), buf.size(), 0);
    const zip_int64_t idx =
        src ? zip_file_add(z, (key + ".npy").c_str(), src, ZIP_FL_OVERWRITE) : -1;
    if (idx < 0) {
      if (src) zip_source_free(src);
      zip_discard(z);
      throw Error("cannot add archive entry").file(file.string()).key(key);
    }
    const auto i = static_cast<zip_uint64_t>(idx);
    // DOS date 1980-01-01 (day 1, month 1, year 0 since 1980), time 00:00:00.
    if (zip_set_file_compression(z, i, ZIP_CM_DEFLATE, 6) != 0 ||
        zip_file_set_dostime(z, i, 0, (1 << 5) | 1, 0) != 0) {
      zip_discard(z);
      throw Error("cannot set archive entry attributes").file(file.string()).key(key);
    }
  }
  if (zip_close(z) != 0) {
    const std::string msg = zip_strerror(z);
    zip_discard(z);
    throw Error("cannot write archive: " + msg).file(file.string());
  }
  out.commit();
}

}  // namespace motioncue::body
