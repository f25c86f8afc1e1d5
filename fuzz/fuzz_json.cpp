// libFuzzer harness for the JSON reader every box file, sidecar and meta.json goes through: any
// input must either parse or raise motioncue::Error; no crash, no sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "motioncue/core/error.h"
#include "motioncue/core/json_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto j =
        motioncue::parse_json(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    (void)j.dump();
  } catch (const motioncue::Error&) {
  }
  return 0;
}
