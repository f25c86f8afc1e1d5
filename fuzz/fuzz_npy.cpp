// libFuzzer harness for the .npy and .npz readers: any input must either parse or raise
// motioncue::Error; no crash, no sanitizer report, no other exception.
#include <cstddef>
#include <cstdint>

#include "motioncue/core/error.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto a = motioncue::parse_npy(data, size, "fuzz.npy");
    (void)a.to_f64();
  } catch (const motioncue::Error&) {
  }
  try {
    const auto z = motioncue::parse_npz(data, size, "fuzz.npz");
    for (const auto& k : z.keys()) (void)z.at(k).to_f32();
  } catch (const motioncue::Error&) {
  }
  return 0;
}
