// Reading and writing NumPy's .npy format (versions 1.0, 2.0 and 3.0).
// Arrays are always held in C (row-major) order and little-endian: Fortran-ordered and
// big-endian files are converted on reading.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace motioncue {

// kStr is numpy's fixed-width unicode ('<U<n>', UCS-4); '|S<n>' byte strings read as kStr too.
enum class DType { kF16, kF32, kF64, kI32, kI64, kU8, kU32, kBool, kStr };

std::size_t dtype_size(DType t);  // 4 (one UCS-4 code unit) for kStr
std::string dtype_name(DType t);  // "float32", "int64", ...
// The numpy descr of a little-endian array of this type ("<f4", "|u1", ...).
std::string dtype_descr(DType t);

struct NpyArray {
  DType dtype = DType::kF32;
  std::vector<std::int64_t> shape;
  std::size_t str_width = 0;        // characters per string, for kStr
  std::vector<std::uint8_t> bytes;  // C order, little-endian

  std::int64_t numel() const;
  std::string shape_string() const;  // "(6890, 3)"

  // Values converted to the requested type (any numeric dtype may be read as any other).
  std::vector<double> to_f64() const;
  std::vector<float> to_f32() const;
  std::vector<std::int64_t> to_i64() const;
  std::vector<std::string> to_strings() const;  // kStr only

  static NpyArray from_f32(std::vector<std::int64_t> shape, const std::vector<float>& v);
  static NpyArray from_f64(std::vector<std::int64_t> shape, const std::vector<double>& v);
  static NpyArray from_i64(std::vector<std::int64_t> shape, const std::vector<std::int64_t>& v);
  static NpyArray from_i32(std::vector<std::int64_t> shape, const std::vector<std::int32_t>& v);
  static NpyArray from_strings(std::vector<std::int64_t> shape, const std::vector<std::string>& v);
  static NpyArray from_u8(std::vector<std::int64_t> shape, const std::vector<std::uint8_t>& v);
};

// Parses a whole .npy file held in memory. `origin` names it in error messages.
NpyArray parse_npy(const std::uint8_t* data, std::size_t size, const std::string& origin);
std::vector<std::uint8_t> serialize_npy(const NpyArray& array);

NpyArray read_npy(const std::filesystem::path& file);
// Writes atomically: a temporary file beside the target, renamed over it when complete.
void write_npy(const std::filesystem::path& file, const NpyArray& array);

float half_to_float(std::uint16_t h);
std::uint16_t float_to_half(float f);

}  // namespace motioncue
