// libFuzzer harness for the checkpoint archive check (model/torch_pickle.h): the zip container,
// the pickle stream and every tensor record's length. Any input must pass or raise
// motioncue::Error; no crash, no sanitizer report, no other exception.
#include <cstddef>
#include <cstdint>

#include "motioncue/core/error.h"
#include "motioncue/model/torch_pickle.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    motioncue::model::detail::check_archive_tensors(data, size, "fuzz.ckpt");
  } catch (const motioncue::Error&) {
  }
  return 0;
}
