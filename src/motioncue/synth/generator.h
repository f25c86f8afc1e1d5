// `motioncue synth`: writes a whole benchmark (docs/FORMATS.md, "Benchmark root") from a spec:
// labeled/ (SPIN-style annotations.npz + images), unlabeled/, val/, test/ (one folder per
// sequence), contact sheets, statistics.json and benchmark.json. Deterministic (same spec and
// seed: the same bytes) and resumable (finished sequences and images are kept).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "motioncue/synth/spec.h"

namespace motioncue::body {
class BodyModel;
}

namespace motioncue::synth {

struct GenerateOptions {};

struct GenerateSummary {
  std::int64_t images_rendered = 0, images_kept = 0;
  std::int64_t sequences_rendered = 0, sequences_kept = 0;
};

GenerateSummary generate_benchmark(const SynthSpec& spec, const body::BodyModel& model,
                                   const std::filesystem::path& out,
                                   const GenerateOptions& options = {});

// The identifiers the generator gives subjects and sequences (also written in the outputs).
std::string subject_id(const std::string& split, int index);
std::string sequence_name(int index);

}  // namespace motioncue::synth
