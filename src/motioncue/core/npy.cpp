#include "motioncue/core/npy.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;

struct DescrInfo {
  DType type;
  bool big_endian;
  std::size_t str_width = 0;
  bool byte_string = false;
};

DescrInfo parse_descr(const std::string& d, const std::string& origin) {
  if (d.size() < 3) throw Error("malformed dtype descr").file(origin).found("'" + d + "'");
  const char order = d[0];
  const std::string kind = d.substr(1);
  bool big = order == '>';
  if (order != '<' && order != '>' && order != '|' && order != '=')
    throw Error("malformed dtype descr").file(origin).found("'" + d + "'");
  if ((kind[0] == 'U' || kind[0] == 'S') && kind.size() > 1 &&
      kind.find_first_not_of("0123456789", 1) == std::string::npos) {
    // Seven digits already exceed the width limit; longer runs must not reach stoul (out_of_range).
    const std::string digits = kind.substr(1);
    const std::size_t width = digits.size() > 7 ? 0 : std::stoul(digits);
    if (width == 0 || width > (1u << 20))
      throw Error("unsupported string width").file(origin).found("'" + d + "'");
    return {DType::kStr, big, width, kind[0] == 'S'};
  }
  DType t;
  if (kind == "f2")
    t = DType::kF16;
  else if (kind == "f4")
    t = DType::kF32;
  else if (kind == "f8")
    t = DType::kF64;
  else if (kind == "i4")
    t = DType::kI32;
  else if (kind == "i8")
    t = DType::kI64;
  else if (kind == "u1")
    t = DType::kU8;
  else if (kind == "u4")
    t = DType::kU32;
  else if (kind == "b1")
    t = DType::kBool;
  else
    throw Error("unsupported dtype")
        .file(origin)
        .expected("one of f2 f4 f8 i4 i8 u1 u4 b1")
        .found("'" + d + "'");
  if (dtype_size(t) == 1) big = false;
  return {t, big};
}

// Extracts the value text for `key` from the header dict: {'descr': '<f4', 'fortran_order': ...}
std::string dict_value(const std::string& header, const std::string& key,
                       const std::string& origin) {
  const std::string needle = "'" + key + "'";
  auto pos = header.find(needle);
  if (pos == std::string::npos) throw Error("npy header lacks a key").file(origin).key(key);
  pos = header.find(':', pos + needle.size());
  if (pos == std::string::npos) throw Error("malformed npy header").file(origin).key(key);
  ++pos;
  while (pos < header.size() && header[pos] == ' ') ++pos;
  if (pos >= header.size()) throw Error("malformed npy header").file(origin).key(key);
  std::size_t end;
  if (header[pos] == '\'') {
    end = header.find('\'', pos + 1);
    if (end == std::string::npos) throw Error("malformed npy header").file(origin).key(key);
    return header.substr(pos + 1, end - pos - 1);
  }
  if (header[pos] == '(') {
    end = header.find(')', pos);
    if (end == std::string::npos) throw Error("malformed npy header").file(origin).key(key);
    return header.substr(pos, end - pos + 1);
  }
  end = header.find_first_of(",}", pos);
  if (end == std::string::npos) throw Error("malformed npy header").file(origin).key(key);
  std::string v = header.substr(pos, end - pos);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  return v;
}

std::vector<std::int64_t> parse_shape(const std::string& text, const std::string& origin) {
  // "(3, 4)", "(5,)", "()"
  std::vector<std::int64_t> shape;
  std::string inner = text.substr(1, text.size() - 2);
  std::stringstream ss(inner);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
    if (item.empty()) continue;
    if (item.back() == 'L') item.pop_back();  // Python 2 longs
    try {
      std::size_t used = 0;
      long long v = std::stoll(item, &used);
      if (used != item.size() || v < 0) throw std::invalid_argument(item);
      shape.push_back(v);
    } catch (const std::exception&) {
      throw Error("malformed shape in npy header").file(origin).found(text);
    }
  }
  return shape;
}

void byteswap_inplace(std::vector<std::uint8_t>& bytes, std::size_t item) {
  for (std::size_t i = 0; i + item <= bytes.size(); i += item)
    std::reverse(bytes.begin() + i, bytes.begin() + i + item);
}

// Converts Fortran-ordered element storage to C order.
std::vector<std::uint8_t> fortran_to_c(const std::vector<std::uint8_t>& src,
                                       const std::vector<std::int64_t>& shape, std::size_t item) {
  const std::size_t nd = shape.size();
  std::int64_t n = 1;
  for (auto s : shape) n *= s;
  std::vector<std::uint8_t> dst(src.size());
  if (n == 0 || nd < 2) return src;
  std::vector<std::int64_t> fstride(nd);
  fstride[0] = 1;
  for (std::size_t d = 1; d < nd; ++d) fstride[d] = fstride[d - 1] * shape[d - 1];
  std::vector<std::int64_t> idx(nd, 0);
  for (std::int64_t c = 0; c < n; ++c) {
    std::int64_t f = 0;
    for (std::size_t d = 0; d < nd; ++d) f += idx[d] * fstride[d];
    std::memcpy(&dst[c * item], &src[f * item], item);
    for (std::size_t d = nd; d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return dst;
}

template <typename Out>
std::vector<Out> convert(const NpyArray& a) {
  const std::int64_t n = a.numel();
  std::vector<Out> out(static_cast<std::size_t>(n));
  const std::uint8_t* p = a.bytes.data();
  for (std::int64_t i = 0; i < n; ++i) {
    switch (a.dtype) {
      case DType::kF16: {
        std::uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        out[i] = static_cast<Out>(half_to_float(h));
        break;
      }
#define MOTIONCUE_CASE(ENUM, TYPE)                       \
  case ENUM: {                                           \
    TYPE v;                                              \
    std::memcpy(&v, p + sizeof(TYPE) * i, sizeof(TYPE)); \
    out[i] = static_cast<Out>(v);                        \
    break;                                               \
  }
        MOTIONCUE_CASE(DType::kF32, float)
        MOTIONCUE_CASE(DType::kF64, double)
        MOTIONCUE_CASE(DType::kI32, std::int32_t)
        MOTIONCUE_CASE(DType::kI64, std::int64_t)
        MOTIONCUE_CASE(DType::kU8, std::uint8_t)
        MOTIONCUE_CASE(DType::kU32, std::uint32_t)
        MOTIONCUE_CASE(DType::kBool, std::uint8_t)
#undef MOTIONCUE_CASE
      case DType::kStr:
        throw Error("cannot read a string array as numbers").expected("a numeric dtype");
    }
  }
  return out;
}

template <typename T>
NpyArray make(DType t, std::vector<std::int64_t> shape, const std::vector<T>& v) {
  NpyArray a;
  a.dtype = t;
  a.shape = std::move(shape);
  if (a.numel() != static_cast<std::int64_t>(v.size()))
    throw Error("array data does not match its shape")
        .expected(std::to_string(a.numel()) + " values for shape " + a.shape_string())
        .found(std::to_string(v.size()));
  a.bytes.resize(v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(a.bytes.data(), v.data(), a.bytes.size());
  return a;
}

}  // namespace

std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::kF16:
      return 2;
    case DType::kF32:
      return 4;
    case DType::kF64:
      return 8;
    case DType::kI32:
      return 4;
    case DType::kI64:
      return 8;
    case DType::kU8:
      return 1;
    case DType::kU32:
      return 4;
    case DType::kBool:
      return 1;
    case DType::kStr:
      return 4;
  }
  return 0;
}

std::string dtype_name(DType t) {
  switch (t) {
    case DType::kF16:
      return "float16";
    case DType::kF32:
      return "float32";
    case DType::kF64:
      return "float64";
    case DType::kI32:
      return "int32";
    case DType::kI64:
      return "int64";
    case DType::kU8:
      return "uint8";
    case DType::kU32:
      return "uint32";
    case DType::kBool:
      return "bool";
    case DType::kStr:
      return "str";
  }
  return "?";
}

std::string dtype_descr(DType t) {
  switch (t) {
    case DType::kF16:
      return "<f2";
    case DType::kF32:
      return "<f4";
    case DType::kF64:
      return "<f8";
    case DType::kI32:
      return "<i4";
    case DType::kI64:
      return "<i8";
    case DType::kU8:
      return "|u1";
    case DType::kU32:
      return "<u4";
    case DType::kBool:
      return "|b1";
    case DType::kStr:
      return "<U";
  }
  return "?";
}

std::int64_t NpyArray::numel() const {
  std::int64_t n = 1;
  for (auto s : shape) n *= s;
  return n;
}

std::string NpyArray::shape_string() const {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

std::vector<double> NpyArray::to_f64() const { return convert<double>(*this); }
std::vector<float> NpyArray::to_f32() const { return convert<float>(*this); }
std::vector<std::int64_t> NpyArray::to_i64() const { return convert<std::int64_t>(*this); }

std::vector<std::string> NpyArray::to_strings() const {
  if (dtype != DType::kStr)
    throw Error("not a string array").expected("str").found(dtype_name(dtype));
  std::vector<std::string> out(static_cast<std::size_t>(numel()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::string s;
    for (std::size_t c = 0; c < str_width; ++c) {
      std::uint32_t cp;
      std::memcpy(&cp, &bytes[(i * str_width + c) * 4], 4);
      if (cp == 0) break;
      if (cp < 0x80) {
        s += static_cast<char>(cp);
      } else if (cp < 0x800) {
        s += static_cast<char>(0xc0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3f));
      } else if (cp < 0x10000) {
        s += static_cast<char>(0xe0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        s += static_cast<char>(0x80 | (cp & 0x3f));
      } else {
        s += static_cast<char>(0xf0 | ((cp >> 18) & 0x07));
        s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        s += static_cast<char>(0x80 | (cp & 0x3f));
      }
    }
    out[i] = std::move(s);
  }
  return out;
}

NpyArray NpyArray::from_strings(std::vector<std::int64_t> s, const std::vector<std::string>& v) {
  NpyArray a;
  a.dtype = DType::kStr;
  a.shape = std::move(s);
  if (a.numel() != static_cast<std::int64_t>(v.size()))
    throw Error("array data does not match its shape")
        .expected(std::to_string(a.numel()) + " strings")
        .found(std::to_string(v.size()));
  // Stored as UCS-4; these strings are file names and ids, so bytes map to code points
  // one-to-one (non-ASCII bytes are kept as Latin-1).
  a.str_width = 1;
  for (const auto& x : v) a.str_width = std::max(a.str_width, x.size());
  a.bytes.assign(v.size() * a.str_width * 4, 0);
  for (std::size_t i = 0; i < v.size(); ++i)
    for (std::size_t c = 0; c < v[i].size(); ++c) {
      const std::uint32_t cp = static_cast<unsigned char>(v[i][c]);
      std::memcpy(&a.bytes[(i * a.str_width + c) * 4], &cp, 4);
    }
  return a;
}

NpyArray NpyArray::from_f32(std::vector<std::int64_t> s, const std::vector<float>& v) {
  return make(DType::kF32, std::move(s), v);
}
NpyArray NpyArray::from_f64(std::vector<std::int64_t> s, const std::vector<double>& v) {
  return make(DType::kF64, std::move(s), v);
}
NpyArray NpyArray::from_i64(std::vector<std::int64_t> s, const std::vector<std::int64_t>& v) {
  return make(DType::kI64, std::move(s), v);
}
NpyArray NpyArray::from_i32(std::vector<std::int64_t> s, const std::vector<std::int32_t>& v) {
  return make(DType::kI32, std::move(s), v);
}
NpyArray NpyArray::from_u8(std::vector<std::int64_t> s, const std::vector<std::uint8_t>& v) {
  return make(DType::kU8, std::move(s), v);
}

NpyArray parse_npy(const std::uint8_t* data, std::size_t size, const std::string& origin) {
  if (size < kMagicLen + 4 || std::memcmp(data, kMagic, kMagicLen) != 0)
    throw Error("not a .npy file (bad magic)").file(origin);
  const int major = data[6];
  std::size_t header_len, offset;
  if (major == 1) {
    header_len = data[8] | (static_cast<std::size_t>(data[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) throw Error("truncated .npy header").file(origin);
    header_len = data[8] | (static_cast<std::size_t>(data[9]) << 8) |
                 (static_cast<std::size_t>(data[10]) << 16) |
                 (static_cast<std::size_t>(data[11]) << 24);
    offset = 12;
  } else {
    throw Error("unsupported .npy version")
        .file(origin)
        .expected("1, 2 or 3")
        .found(std::to_string(major));
  }
  if (header_len > size - offset)
    throw Error("truncated .npy header")
        .file(origin)
        .expected(std::to_string(header_len) + " header bytes")
        .found(std::to_string(size - offset));
  const std::string header(reinterpret_cast<const char*>(data + offset), header_len);
  const DescrInfo descr = parse_descr(dict_value(header, "descr", origin), origin);
  const std::string fo = dict_value(header, "fortran_order", origin);
  if (fo != "True" && fo != "False")
    throw Error("malformed fortran_order in npy header").file(origin).found(fo);
  const std::string shape_text = dict_value(header, "shape", origin);
  if (shape_text.empty() || shape_text.front() != '(')
    throw Error("malformed shape in npy header").file(origin).found(shape_text);

  NpyArray a;
  a.dtype = descr.type;
  a.shape = parse_shape(shape_text, origin);
  a.str_width = descr.str_width;
  // Byte strings ('S') hold one byte a character; they are widened to UCS-4 below.
  const std::size_t item =
      a.dtype == DType::kStr ? descr.str_width * (descr.byte_string ? 1 : 4) : dtype_size(a.dtype);
  // Guard the byte count against overflow before trusting the header.
  std::size_t want = item;
  for (auto s : a.shape) {
    const auto dim = static_cast<std::size_t>(s);
    if (dim != 0 && want > std::numeric_limits<std::size_t>::max() / dim)
      throw Error("npy header declares an impossibly large array").file(origin).found(shape_text);
    want *= dim;
  }
  const std::size_t payload = size - offset - header_len;
  if (want != payload)
    throw Error("npy data size does not match its header")
        .file(origin)
        .expected(std::to_string(want) + " bytes for " + dtype_name(a.dtype) + " " +
                  a.shape_string())
        .found(std::to_string(payload) + " bytes");
  a.bytes.assign(data + offset + header_len, data + size);
  if (fo == "True") a.bytes = fortran_to_c(a.bytes, a.shape, item);
  if (a.dtype == DType::kStr) {
    if (descr.byte_string) {
      std::vector<std::uint8_t> wide(a.bytes.size() * 4, 0);
      for (std::size_t i = 0; i < a.bytes.size(); ++i) wide[i * 4] = a.bytes[i];
      a.bytes = std::move(wide);
    } else if (descr.big_endian) {
      byteswap_inplace(a.bytes, 4);
    }
  } else if (descr.big_endian) {
    byteswap_inplace(a.bytes, item);
  }
  return a;
}

std::vector<std::uint8_t> serialize_npy(const NpyArray& a) {
  const std::string descr =
      a.dtype == DType::kStr ? "<U" + std::to_string(a.str_width) : dtype_descr(a.dtype);
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + a.shape_string() + ", }";
  // Pad with spaces so that the data starts on a 64-byte boundary; end with a newline.
  std::size_t prefix = kMagicLen + 2 + 2;
  std::size_t total = prefix + header.size() + 1;
  bool v2 = false;
  std::size_t padded = (total + 63) / 64 * 64;
  if (padded - prefix > 65535) {
    v2 = true;
    prefix = kMagicLen + 2 + 4;
    total = prefix + header.size() + 1;
    padded = (total + 63) / 64 * 64;
  }
  header.append(padded - total, ' ');
  header.push_back('\n');
  std::vector<std::uint8_t> out(kMagicLen);
  out.reserve(padded + a.bytes.size());
  std::memcpy(out.data(), kMagic, kMagicLen);
  out.push_back(v2 ? 2 : 1);
  out.push_back(0);
  const std::size_t hl = header.size();
  out.push_back(hl & 0xff);
  out.push_back((hl >> 8) & 0xff);
  if (v2) {
    out.push_back((hl >> 16) & 0xff);
    out.push_back((hl >> 24) & 0xff);
  }
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), a.bytes.begin(), a.bytes.end());
  return out;
}

NpyArray read_npy(const std::filesystem::path& file) {
  const std::vector<std::uint8_t> data = read_file_bytes(file);
  return parse_npy(data.data(), data.size(), file.string());
}

void write_npy(const std::filesystem::path& file, const NpyArray& array) {
  write_file_atomic(file, serialize_npy(array));
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = (h & 0x8000u) << 16;
  std::uint32_t exp = (h >> 10) & 0x1f;
  std::uint32_t mant = h & 0x3ffu;
  std::uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      exp = 127 - 15 + 1;
      while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ffu;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::uint16_t float_to_half(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  const std::uint16_t sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  const std::uint32_t exp = (x >> 23) & 0xffu;
  std::uint32_t mant = x & 0x7fffffu;
  if (exp == 0xff) return sign | 0x7c00u | (mant ? 0x200u : 0u);  // inf / nan
  const int e = static_cast<int>(exp) - 127 + 15;
  if (e >= 31) return sign | 0x7c00u;  // overflow to inf
  if (e <= 0) {                        // subnormal or zero
    if (e < -10) return sign;
    mant |= 0x800000u;
    const int shift = 14 - e;
    std::uint32_t half = mant >> shift;
    const std::uint32_t rem = mant & ((1u << shift) - 1);
    const std::uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1u))) ++half;
    return static_cast<std::uint16_t>(sign | half);
  }
  std::uint32_t half = (static_cast<std::uint32_t>(e) << 10) | (mant >> 13);
  const std::uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) ++half;  // round to nearest even
  return static_cast<std::uint16_t>(sign | half);
}

}  // namespace motioncue
