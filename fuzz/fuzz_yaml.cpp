// libFuzzer harness for the YAML configuration reader every --config file and --set override
// goes through: any input must either merge into the schema or raise motioncue::Error; no crash,
// no other exception, no sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "motioncue/core/config.h"
#include "motioncue/core/error.h"

namespace {

// A schema with the kinds of values the real ones hold: nested sections, numbers, booleans,
// strings, lists.
const char* const kSchema = R"(
train:
  steps: 100
  lr: 1.0e-4
  batch_size: 16
  augment: true
  seeds: [0, 1, 2]
model:
  backbone: compact
  resolution: 128
refine:
  flow_loss: robust
  weights: {flow: 1.0, keypoints: 0.0}
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    motioncue::Config config(kSchema, "schema");
    config.merge_yaml(text, "fuzz.yaml");
    (void)config.to_yaml();
  } catch (const motioncue::Error&) {
  }
  // The same bytes as a --set override, "key=value".
  try {
    motioncue::Config config(kSchema, "schema");
    config.set(text);
    (void)config.get<double>("train.lr");
  } catch (const motioncue::Error&) {
  }
  return 0;
}
