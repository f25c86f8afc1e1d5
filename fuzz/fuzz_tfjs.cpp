// libFuzzer harness for the TensorFlow.js graph-model reader (model.json + weight shard): the
// input is the JSON text, a NUL byte, then the bytes of the one shard "w.bin". Any input must
// parse or raise motioncue::Error; no crash, no read past a shard, no sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "motioncue/core/error.h"
#include "motioncue/vision/tfjs_model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto* nul = static_cast<const std::uint8_t*>(std::memchr(data, 0, size));
  const std::size_t text_size = nul ? static_cast<std::size_t>(nul - data) : size;
  const std::string text(reinterpret_cast<const char*>(data), text_size);
  std::map<std::string, std::vector<std::uint8_t>> shards;
  if (nul) shards["w.bin"] = std::vector<std::uint8_t>(nul + 1, data + size);
  try {
    const auto model = motioncue::vision::parse_tfjs_model(text, shards, "fuzz.json");
    // the attribute readers the runner uses, on whatever the attributes hold
    for (const auto& node : model.nodes) {
      auto attempt = [](auto&& read) {
        try {
          read();
        } catch (const motioncue::Error&) {
        }
      };
      attempt([&] { (void)motioncue::vision::attr_string(node, "padding"); });
      attempt([&] { (void)motioncue::vision::attr_ints(node, "strides"); });
      attempt([&] { (void)motioncue::vision::attr_strings(node, "fused_ops"); });
      attempt([&] { (void)motioncue::vision::attr_int(node, "num_args"); });
      attempt([&] { (void)motioncue::vision::attr_float_or(node, "epsilon", 0); });
      attempt([&] { (void)motioncue::vision::attr_bool_or(node, "keep_dims", false); });
      attempt([&] { (void)motioncue::vision::attr_type(node, "DstT"); });
    }
  } catch (const motioncue::Error&) {
  }
  return 0;
}
