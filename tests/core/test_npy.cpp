#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"

namespace mc = motioncue;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(MOTIONCUE_FIXTURES) / "npy";

std::vector<double> ramp(int n) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = i % 97;
  return v;
}

void expect_error_mentions(const std::function<void()>& f, const std::string& a,
                           const std::string& b = "") {
  try {
    f();
    FAIL() << "expected an error mentioning " << a;
  } catch (const mc::Error& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find(a), std::string::npos) << w;
    if (!b.empty()) {
      EXPECT_NE(w.find(b), std::string::npos) << w;
    }
  }
}

std::vector<std::uint8_t> bytes_of(const fs::path& p) { return mc::read_file_bytes(p); }

}  // namespace

class NumpyWrittenFixture : public ::testing::TestWithParam<std::pair<std::string, mc::DType>> {};

TEST_P(NumpyWrittenFixture, ReadsEveryDtypeWrittenByNumpy) {
  const auto [file, dtype] = GetParam();
  const mc::NpyArray a = mc::read_npy(kFixtures / file);
  EXPECT_EQ(a.dtype, dtype);
  ASSERT_EQ(a.shape, (std::vector<std::int64_t>{3, 4, 5}));
  const auto v = a.to_f64();
  const auto want = ramp(60);
  for (int i = 0; i < 60; ++i) {
    const double w = dtype == mc::DType::kBool ? static_cast<int>(want[i]) % 2 : want[i];
    ASSERT_DOUBLE_EQ(v[i], w) << file << " element " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, NumpyWrittenFixture,
                         ::testing::Values(std::make_pair("ramp_f16.npy", mc::DType::kF16),
                                           std::make_pair("ramp_f32.npy", mc::DType::kF32),
                                           std::make_pair("ramp_f64.npy", mc::DType::kF64),
                                           std::make_pair("ramp_i32.npy", mc::DType::kI32),
                                           std::make_pair("ramp_i64.npy", mc::DType::kI64),
                                           std::make_pair("ramp_u8.npy", mc::DType::kU8),
                                           std::make_pair("ramp_u32.npy", mc::DType::kU32),
                                           std::make_pair("ramp_bool.npy", mc::DType::kBool),
                                           std::make_pair("ramp_f32_fortran.npy", mc::DType::kF32),
                                           std::make_pair("ramp_f64_bigendian.npy",
                                                          mc::DType::kF64),
                                           std::make_pair("ramp_f32_v2.npy", mc::DType::kF32)));

TEST(Npy, StringArraysReadAndRoundTrip) {
  const auto b = mc::read_npy(kFixtures / "names_bytes.npy");
  EXPECT_EQ(b.to_strings(), (std::vector<std::string>{"img_000.png", "a.jpg"}));
  mc::testing::TempDir dir;
  const std::vector<std::string> names{"seq_00/000001.png", "", "x"};
  mc::write_npy(dir / "s.npy", mc::NpyArray::from_strings({3}, names));
  EXPECT_EQ(mc::read_npy(dir / "s.npy").to_strings(), names);
  EXPECT_THROW(b.to_f32(), mc::Error);
}

TEST(Npy, ScalarAndEmptyArrays) {
  const auto s = mc::read_npy(kFixtures / "scalar_f64.npy");
  EXPECT_TRUE(s.shape.empty());
  EXPECT_EQ(s.to_f64(), std::vector<double>{2.5});
  const auto e = mc::read_npy(kFixtures / "empty_f32.npy");
  EXPECT_EQ(e.shape, (std::vector<std::int64_t>{0, 3}));
  EXPECT_EQ(e.numel(), 0);
}

TEST(Npy, RoundTripIsByteIdenticalToNumpyForCOrder) {
  // Our writer uses numpy's header layout, so re-serialising a numpy file gives the same bytes.
  for (const char* f : {"ramp_f32.npy", "ramp_i64.npy", "ramp_u8.npy", "ramp_bool.npy"}) {
    const auto original = bytes_of(kFixtures / f);
    const auto a = mc::parse_npy(original.data(), original.size(), f);
    EXPECT_EQ(mc::serialize_npy(a), original) << f;
  }
}

TEST(Npy, WritesAndReadsBackLargeArrays) {
  mc::testing::TempDir dir;
  std::vector<float> v(3'000'000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * 0.5f;
  mc::write_npy(dir / "big.npy", mc::NpyArray::from_f32({1000, 3000}, v));
  const auto back = mc::read_npy(dir / "big.npy");
  EXPECT_EQ(back.to_f32(), v);
}

TEST(Npy, HalfConversionRoundTripsAllFiniteHalves) {
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7c00u) == 0x7c00u) continue;  // inf/nan
    EXPECT_EQ(mc::float_to_half(mc::half_to_float(static_cast<std::uint16_t>(h))), h);
  }
  EXPECT_EQ(mc::half_to_float(mc::float_to_half(65504.f)), 65504.f);
  EXPECT_EQ(mc::half_to_float(mc::float_to_half(1.0f / 3)), mc::half_to_float(0x3555));
}

TEST(Npy, TruncatedFileIsRejectedWithSizes) {
  auto b = bytes_of(kFixtures / "ramp_f32.npy");
  b.resize(b.size() - 7);
  expect_error_mentions([&] { mc::parse_npy(b.data(), b.size(), "cut.npy"); }, "cut.npy",
                        "does not match its header");
}

TEST(Npy, WrongMagicIsRejected) {
  auto b = bytes_of(kFixtures / "ramp_f32.npy");
  b[1] = 'X';
  expect_error_mentions([&] { mc::parse_npy(b.data(), b.size(), "bad.npy"); }, "bad.npy",
                        "bad magic");
}

TEST(Npy, UnsupportedDtypeIsRejected) {
  auto b = bytes_of(kFixtures / "ramp_f32.npy");
  std::string s(b.begin(), b.end());
  s.replace(s.find("<f4"), 3, "<c8");
  expect_error_mentions(
      [&] { mc::parse_npy(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), "c.npy"); },
      "unsupported dtype", "<c8");
}

TEST(Npy, HeaderLyingAboutTheSizeIsRejected) {
  auto b = bytes_of(kFixtures / "ramp_f32.npy");
  std::string s(b.begin(), b.end());
  s.replace(s.find("(3, 4, 5)"), 9, "(9, 4, 5)");
  expect_error_mentions(
      [&] { mc::parse_npy(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), "l.npy"); },
      "does not match its header", "720 bytes");
}

TEST(Npy, AbsurdShapeDoesNotOverflow) {
  auto b = bytes_of(kFixtures / "ramp_f32.npy");
  std::string s(b.begin(), b.end());
  s.replace(s.find("(3, 4, 5)"), 9, "(99999999999, 99999999999, 9)");
  expect_error_mentions(
      [&] { mc::parse_npy(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), "x.npy"); },
      "x.npy");
}

TEST(Npy, StringWidthTooLongForAnIntegerIsRejected) {
  // Found by the fuzzer: a width with thirty digits once escaped as std::out_of_range.
  auto b = bytes_of(kFixtures / "ramp_f32.npy");
  std::string s(b.begin(), b.end());
  s.replace(s.find("<f4"), 3, "|S133333333333333333333333333333");
  expect_error_mentions(
      [&] { mc::parse_npy(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), "w.npy"); },
      "unsupported string width", "w.npy");
}

TEST(Npy, MissingFileAndDirectoryAreNamed) {
  mc::testing::TempDir dir;
  expect_error_mentions([&] { mc::read_npy(dir / "nope.npy"); }, "nope.npy", "not found");
  expect_error_mentions([&] { mc::read_npy(dir.path()); }, "is a directory");
}

TEST(Npz, ReadsStoredAndDeflatedArchivesWrittenByNumpy) {
  for (const char* f : {"stored.npz", "deflated.npz"}) {
    const auto z = mc::read_npz(kFixtures / f);
    EXPECT_EQ(z.keys(), (std::vector<std::string>{"a", "b", "c", "imgname"}));
    EXPECT_EQ(
        z.at("imgname").to_strings(),
        (std::vector<std::string>{"images/000000.png", "images/000001.png", "caf\xc3\xa9.png"}));
    EXPECT_EQ(z.at("a").shape, (std::vector<std::int64_t>{3, 4, 5}));
    EXPECT_EQ(z.at("b").to_i64(), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(z.at("c").dtype, mc::DType::kU8);
  }
}

TEST(Npz, RoundTripsBothCompressions) {
  mc::testing::TempDir dir;
  mc::Npz z;
  z.set("x", mc::NpyArray::from_f64({2, 3}, {1, 2, 3, 4, 5, 6}));
  z.set("ids", mc::NpyArray::from_i32({3}, {7, 8, 9}));
  for (bool compress : {true, false}) {
    const auto path = dir / (compress ? "c.npz" : "s.npz");
    mc::write_npz(path, z, compress);
    const auto back = mc::read_npz(path);
    EXPECT_EQ(back.at("x").to_f64(), z.at("x").to_f64());
    EXPECT_EQ(back.at("ids").to_i64(), (std::vector<std::int64_t>{7, 8, 9}));
  }
  mc::write_npz(dir / "empty.npz", mc::Npz{});
  EXPECT_TRUE(mc::read_npz(dir / "empty.npz").keys().empty());
}

TEST(Npz, WritingIsReproducibleByteForByte) {
  mc::testing::TempDir dir;
  mc::Npz z;
  z.set("x", mc::NpyArray::from_f64({2}, {1.5, -2}));
  z.set("names", mc::NpyArray::from_strings({2}, {"a", "bc"}));
  mc::write_npz(dir / "a.npz", z);
  // Zip times have a 2-second resolution: write the twin in a later tick.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  mc::write_npz(dir / "b.npz", z);
  EXPECT_EQ(mc::read_file_bytes(dir / "a.npz"), mc::read_file_bytes(dir / "b.npz"));
}

TEST(Npz, MissingEntryAndWrongShapeNameTheKey) {
  const auto z = mc::read_npz(kFixtures / "stored.npz");
  expect_error_mentions([&] { z.at("v_template"); }, "stored.npz", "v_template");
  expect_error_mentions([&] { z.at("a", {3, 4, 6}); }, "a: wrong shape", "(3, 4, 6)");
  EXPECT_NO_THROW(z.at("a", {-1, 4, 5}));
}

TEST(Npz, CorruptArchiveIsRejected) {
  mc::testing::TempDir dir;
  auto b = bytes_of(kFixtures / "deflated.npz");
  b.resize(b.size() / 2);
  mc::write_file_atomic(dir / "cut.npz", b);
  expect_error_mentions([&] { mc::read_npz(dir / "cut.npz"); }, "cut.npz");
  mc::write_file_atomic(dir / "text.npz", std::string("this is not a zip file"));
  expect_error_mentions([&] { mc::read_npz(dir / "text.npz"); }, "text.npz", "zip");
}

TEST(AtomicFile, UncommittedWriteLeavesNoTrace) {
  mc::testing::TempDir dir;
  {
    mc::AtomicFile f(dir / "out.bin");
    std::ofstream(f.temp_path()) << "partial";
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}
