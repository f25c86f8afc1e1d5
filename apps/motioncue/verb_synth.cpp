// `motioncue synth`: generate a synthetic benchmark (docs/FORMATS.md, "Benchmark root").
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "motioncue/body/body_model.h"
#include "motioncue/synth/generator.h"
#include "motioncue/synth/spec.h"
#include "verb.h"

namespace {

struct SynthArgs {
  std::string spec = "tiny";
  std::string out;
  std::optional<std::uint64_t> seed;
  std::string body_model;
};

motioncue::cli::VerbRegistration register_synth(
    "synth", "Generate the synthetic video benchmark (labeled images, videos, exact ground truth)",
    [](CLI::App& app) {
      auto args = std::make_shared<SynthArgs>();
      std::string builtins;
      for (const auto& name : motioncue::synth::builtin_spec_names())
        builtins += (builtins.empty() ? "" : ", ") + name;
      app.add_option("--spec", args->spec,
                     "a built-in spec (" + builtins + ") or a YAML spec file (configs/synth/)")
          ->capture_default_str();
      app.add_option("--out", args->out, "output folder (resumed when it holds the same spec)")
          ->required();
      app.add_option("--seed", args->seed, "replace the spec's seed");
      app.add_option("--body-model", args->body_model,
                     "body model .npz (SMPL key layout); default: the built-in open model");
      app.callback([args] {
        using namespace motioncue;
        synth::SynthSpec spec = synth::load_spec(args->spec);
        if (args->seed) spec.seed = *args->seed;
        const body::BodyModel model = args->body_model.empty()
                                          ? body::load_default_model()
                                          : body::BodyModel::load(args->body_model);
        const auto start = std::chrono::steady_clock::now();
        const synth::GenerateSummary s = synth::generate_benchmark(spec, model, args->out);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        spdlog::info(
            "synth '{}' (seed {}) -> {}: {} images rendered, {} kept; {} sequences rendered, {} "
            "kept; {:.1f} s",
            spec.name, spec.seed, args->out, s.images_rendered, s.images_kept, s.sequences_rendered,
            s.sequences_kept, seconds);
      });
    });

}  // namespace
