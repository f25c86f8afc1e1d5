#include "motioncue/core/npz.h"

#include <zip.h>

#include <memory>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue {
namespace {

std::string dims_string(const std::vector<std::int64_t>& dims) {
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += dims[i] < 0 ? std::string("*") : std::to_string(dims[i]);
  }
  if (dims.size() == 1) s += ",";
  return s + ")";
}

struct ZipCloser {
  void operator()(zip_t* z) const {
    if (z) zip_discard(z);
  }
};

}  // namespace

const NpyArray& Npz::at(const std::string& key) const {
  auto it = arrays_.find(key);
  if (it == arrays_.end()) throw Error("missing array").file(origin_).key(key);
  return it->second;
}

const NpyArray& Npz::at(const std::string& key, const std::vector<std::int64_t>& dims) const {
  const NpyArray& a = at(key);
  bool ok = a.shape.size() == dims.size();
  for (std::size_t i = 0; ok && i < dims.size(); ++i) ok = dims[i] < 0 || dims[i] == a.shape[i];
  if (!ok)
    throw Error("wrong shape")
        .file(origin_)
        .key(key)
        .expected(dims_string(dims))
        .found(a.shape_string());
  return a;
}

std::vector<std::string> Npz::keys() const {
  std::vector<std::string> k;
  for (const auto& [name, _] : arrays_) k.push_back(name);
  return k;
}

Npz parse_npz(const std::uint8_t* data, std::size_t size, const std::string& origin) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t* src = zip_source_buffer_create(data, size, 0, &ze);
  zip_t* raw = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : nullptr;
  if (!raw) {
    if (src) zip_source_free(src);
    const std::string msg = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    throw Error("not a readable .npz (zip) archive: " + msg).file(origin);
  }
  zip_error_fini(&ze);
  std::unique_ptr<zip_t, ZipCloser> z(raw);
  Npz npz(origin);
  const zip_int64_t n = zip_get_num_entries(z.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    if (zip_stat_index(z.get(), i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE))
      throw Error("corrupt zip entry #" + std::to_string(i)).file(origin);
    std::string name = st.name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0)
      name.resize(name.size() - 4);
    else
      continue;  // not an array entry
    // An entry cannot inflate beyond what deflate allows (~1032:1); refuse sizes that lie.
    if (st.size > 1100 * static_cast<zip_uint64_t>(size) + 4096)
      throw Error("archive entry declares an impossible size").file(origin).key(name);
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> zf(zip_fopen_index(z.get(), i, 0),
                                                         zip_fclose);
    if (!zf) throw Error("cannot open archive entry").file(origin).key(name);
    std::vector<std::uint8_t> bytes(st.size);
    zip_uint64_t got = 0;
    while (got < st.size) {
      const zip_int64_t r = zip_fread(zf.get(), bytes.data() + got, st.size - got);
      if (r <= 0) throw Error("truncated or corrupt archive entry").file(origin).key(name);
      got += static_cast<zip_uint64_t>(r);
    }
    npz.set(name, parse_npy(bytes.data(), bytes.size(), origin + ":" + name));
  }
  return npz;
}

Npz read_npz(const std::filesystem::path& file) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(file);
  return parse_npz(bytes.data(), bytes.size(), file.string());
}

void write_npz(const std::filesystem::path& file, const Npz& npz, bool compress) {
  AtomicFile out(file);
  int err = 0;
  zip_t* z = zip_open(out.temp_path().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw Error("cannot create archive").file(file.string());
  std::unique_ptr<zip_t, ZipCloser> guard(z);
  // libzip reads the buffers at zip_close time, so they must outlive the loop.
  std::vector<std::vector<std::uint8_t>> buffers;
  buffers.reserve(npz.keys().size());
  for (const auto& key : npz.keys()) {
    buffers.push_back(serialize_npy(npz.at(key)));
    auto& buf = buffers.back();
    zip_source_t* src = zip_source_buffer(z, buf.data(), buf.size(), 0);
    if (!src) throw Error("cannot add archive entry").file(file.string()).key(key);
    const zip_int64_t idx = zip_file_add(z, (key + ".npy").c_str(), src, ZIP_FL_OVERWRITE);
    if (idx < 0) {
      zip_source_free(src);
      throw Error("cannot add archive entry").file(file.string()).key(key);
    }
    zip_set_file_compression(z, static_cast<zip_uint64_t>(idx),
                             compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, compress ? 6 : 0);
    // A fixed entry time (1980-01-01, the zip epoch) so that the same arrays always give the
    // same bytes: results and generated data are reproducible byte for byte.
    zip_file_set_dostime(z, static_cast<zip_uint64_t>(idx), 0, (1 << 5) | 1, 0);
  }
  zip_t* closing = guard.release();
  if (zip_close(closing) != 0) {
    const std::string msg = zip_strerror(closing);
    zip_discard(closing);
    throw Error("cannot write archive: " + msg).file(file.string());
  }
  if (buffers.empty()) {
    // libzip writes nothing for an empty archive; numpy writes a bare end-of-directory record.
    std::vector<std::uint8_t> eocd(22, 0);
    eocd[0] = 0x50, eocd[1] = 0x4b, eocd[2] = 0x05, eocd[3] = 0x06;
    write_file_atomic(out.temp_path(), eocd);
  }
  out.commit();
}

}  // namespace motioncue
