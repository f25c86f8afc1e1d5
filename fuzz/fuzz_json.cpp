// libFuzzer harness for the JSON reader every box file, sidecar and meta.json goes through, and
// for the typed field reads the sidecar readers make on what it returns (json_field_or): any
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
    for (const char* key : {"format", "version", "meta", "has_optimizer", "iscrowd", "step"}) {
      try {
        (void)motioncue::json_field_or(j, key, false, "fuzz.json");
      } catch (const motioncue::Error&) {
      }
      try {
        (void)motioncue::json_field_or(j, key, std::int64_t{0}, "fuzz.json");
      } catch (const motioncue::Error&) {
      }
      try {
        (void)motioncue::json_field_or(j, key, std::uint64_t{0}, "fuzz.json");
      } catch (const motioncue::Error&) {
      }
      try {
        (void)motioncue::json_field_or(j, key, 0.0, "fuzz.json");
      } catch (const motioncue::Error&) {
      }
      try {
        (void)motioncue::json_field_or(j, key, std::string(), "fuzz.json");
      } catch (const motioncue::Error&) {
      }
      try {
        (void)motioncue::json_field_or(j, key, nlohmann::json::object(), "fuzz.json");
      } catch (const motioncue::Error&) {
      }
    }
  } catch (const motioncue::Error&) {
  }
  return 0;
}
