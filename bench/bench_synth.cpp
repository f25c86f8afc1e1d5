// Costs of the synthetic benchmark's pieces: motion evaluation, backgrounds, one labeled image
// (body model + shading) and one video sequence with exact flow, at the `cpu` spec's resolution.
#include <benchmark/benchmark.h>

#include <random>

#include "motioncue/body/body_model.h"
#include "motioncue/synth/background.h"
#include "motioncue/synth/motion.h"
#include "motioncue/synth/pose_sampler.h"
#include "motioncue/synth/shot_renderer.h"
#include "motioncue/synth/spec.h"

using namespace motioncue::synth;

namespace {

const motioncue::body::BodyModel& model() {
  static const motioncue::body::BodyModel m = motioncue::body::load_default_model();
  return m;
}

void BM_EvaluateMotion(benchmark::State& state) {
  std::mt19937_64 rng(1);
  const MotionParams p = sample_motion_params(MotionFamily::kDance, rng, 0.05);
  double t = 0;
  for (auto _ : state) benchmark::DoNotOptimize(evaluate_motion(p, t += 1.0 / 30));
}
BENCHMARK(BM_EvaluateMotion);

void BM_Background(benchmark::State& state) {
  std::mt19937_64 rng(2);
  for (auto _ : state) benchmark::DoNotOptimize(make_background(160, 160, rng));
}
BENCHMARK(BM_Background)->Unit(benchmark::kMillisecond);

void render(benchmark::State& state, int frames, bool flow) {
  const SynthSpec spec = load_spec("cpu");
  const BodyAssets assets = make_body_assets(model());
  std::mt19937_64 rng(3);
  Subject subject;
  subject.betas = std::vector<float>(10, 0.5f);
  subject.appearance = sample_appearance(rng);
  subject.regions = assign_regions(subject.appearance, assets.layout, assets.rest_vertices.data(),
                                   assets.num_vertices);
  ShotInput in;
  in.subject = &subject;
  in.poses = generate_motion(sample_motion_params(MotionFamily::kWalk, rng, 0.05), frames, 30);
  in.cameras = place_cameras(spec, in.poses, false, rng);
  in.background = make_background(spec.width, spec.height, rng);
  in.width = spec.width;
  in.height = spec.height;
  in.supersample = spec.supersample;
  in.flow = flow;
  for (auto _ : state) benchmark::DoNotOptimize(render_shot(assets, in, rng));
  state.SetItemsProcessed(state.iterations() * frames);
}

void BM_RenderLabeledImage(benchmark::State& state) { render(state, 1, false); }
BENCHMARK(BM_RenderLabeledImage)->Unit(benchmark::kMillisecond);

void BM_RenderSequence32WithFlow(benchmark::State& state) { render(state, 32, true); }
BENCHMARK(BM_RenderSequence32WithFlow)->Unit(benchmark::kMillisecond);

}  // namespace
