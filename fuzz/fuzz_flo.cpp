// libFuzzer harness for the Middlebury .flo reader (flow caches and --evaluate ground truth): any
// input must either parse or raise motioncue::Error; no crash, no sanitizer report.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "motioncue/core/error.h"
#include "motioncue/flow/flo_io.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto flow =
        motioncue::flow::parse_flo(std::vector<std::uint8_t>(data, data + size), "fuzz.flo");
    (void)flow.total();
  } catch (const motioncue::Error&) {
  }
  return 0;
}
