// A synthetic benchmark shrunk for tests: the embedded `tiny` spec at 96 x 96 pixels with the
// split sizes a test asks for, generated once per process into a temporary folder.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <memory>
#include <string>

#include "default_body.h"
#include "motioncue/body/body_model.h"
#include "motioncue/core/progress.h"
#include "motioncue/synth/generator.h"
#include "motioncue/synth/spec.h"
#include "temp_dir.h"

namespace motioncue::testing {

struct SmallBenchmarkSizes {
  int labeled = 4;
  int unlabeled_sequences = 1, unlabeled_frames = 5;
  int val_frames = 3;
  int test_sequences = 1, test_frames = 2;
};

// Generates the benchmark into a new TempDir (removed when the returned pointer dies).
inline std::unique_ptr<TempDir> make_small_benchmark(const SmallBenchmarkSizes& n) {
  Progress::set_enabled(false);
  YAML::Node spec = YAML::Load(synth::builtin_spec_text("tiny"));
  spec["width"] = 96;
  spec["height"] = 96;
  spec["labeled"]["images"] = n.labeled;
  spec["labeled"]["subjects"] = n.labeled;
  spec["unlabeled"]["sequences"] = n.unlabeled_sequences;
  spec["unlabeled"]["frames"] = n.unlabeled_frames;
  spec["unlabeled"]["subjects"] = n.unlabeled_sequences;
  spec["val"]["frames"] = n.val_frames;
  spec["test"]["sequences"] = n.test_sequences;
  spec["test"]["frames"] = n.test_frames;
  spec["test"]["subjects"] = n.test_sequences;
  auto out = std::make_unique<TempDir>();
  synth::generate_benchmark(synth::parse_spec(YAML::Dump(spec), "tiny (shrunk for tests)"),
                            default_body_model(), out->path());
  return out;
}

}  // namespace motioncue::testing
