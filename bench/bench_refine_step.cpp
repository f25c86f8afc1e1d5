// One refinement step of `motioncue refine` (the E1 setting: compact backbone, 16 labeled images
// + 16 unlabeled pairs per step, DIS-medium flow from a warm cache, BatchNorm frozen, dropout
// off, no augmentation, flow weight 0.01, no texture term) broken down by stage, next to the whole
// step composed as the trainer composes it (train_refine.cpp + TrainingLoop::step). Argument:
// the network's input resolution. Every stage runs on the benchmark's thread (loaders without
// workers) and is timed by process CPU time, so with OMP_NUM_THREADS=1 the CPU column is the
// one-core cost whatever else runs on the machine. A small benchmark (the embedded `tiny` spec at
// 160 x 160 px, the `cpu` spec's frame size) is generated into a temporary folder at startup.
// Run: OMP_NUM_THREADS=1 build/bench/bench_refine_step
#include <benchmark/benchmark.h>

#include <torch/torch.h>

#include <yaml-cpp/yaml.h>
#include <opencv2/core/utility.hpp>

#include <ctime>
#include <map>
#include <memory>

#include "../tests/support/temp_dir.h"
#include "motioncue/body/body_model.h"
#include "motioncue/body/rotations.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/labeled_dataset.h"
#include "motioncue/data/labeled_loader.h"
#include "motioncue/data/pair_sampler.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/losses/flow_consistency.h"
#include "motioncue/losses/labeled_batch_loss.h"
#include "motioncue/losses/projected_pair.h"
#include "motioncue/losses/supervised.h"
#include "motioncue/model/network.h"
#include "motioncue/synth/generator.h"
#include "motioncue/synth/spec.h"
#include "motioncue/train/batch_forward.h"
#include "motioncue/train/unlabeled_step.h"

namespace mc = motioncue;
namespace d = motioncue::data;

namespace {

constexpr int kBatch = 16;      // refine.batch_size
constexpr int kPairBatch = 16;  // refine.pair_batch
constexpr double kFlowWeight = 0.01;
constexpr double kGradClip = 10.0;
const char* const kFlow = "dis-medium";

// The benchmark data and the body model, made once.
struct Data {
  mc::testing::TempDir dir;
  mc::body::BodyModel body;
  std::unique_ptr<d::LabeledDataset> labeled;
  std::unique_ptr<d::VideoDataset> unlabeled;

  Data() : body(mc::body::load_default_model()) {
    mc::Progress::set_enabled(false);
    // OpenCV on the calling thread, so that the loaders' cost is in the CPU column.
    cv::setNumThreads(1);
    body.to(torch::kCPU, torch::kFloat);  // as train::load_body_model
    YAML::Node spec = YAML::Load(mc::synth::builtin_spec_text("tiny"));
    spec["width"] = 160;
    spec["height"] = 160;
    spec["labeled"]["images"] = 32;
    spec["labeled"]["subjects"] = 32;
    spec["unlabeled"]["sequences"] = 2;
    spec["unlabeled"]["frames"] = 17;  // 32 pairs at gap 1
    spec["unlabeled"]["flow"] = false;
    spec["val"]["frames"] = 2;
    spec["test"]["sequences"] = 1;
    spec["test"]["frames"] = 2;
    spec["test"]["subjects"] = 1;
    spec["test"]["flow"] = false;
    mc::synth::generate_benchmark(mc::synth::parse_spec(YAML::Dump(spec), "bench_refine_step"),
                                  body, dir.path());
    labeled = std::make_unique<d::LabeledDataset>(
        d::LabeledDataset::open(dir / "labeled" / "annotations.npz"));
    unlabeled = std::make_unique<d::VideoDataset>(d::VideoDataset::open(dir / "unlabeled"));
  }
};

Data& data() {
  static Data x;
  return x;
}

// The trainer's state at one resolution: network, optimizer, loaders, and one batch of each kind
// drawn ahead for the stages that do not load data.
struct Setup {
  int resolution;
  mc::model::PoseNetwork network;
  torch::optim::Adam optimizer;
  std::unique_ptr<d::LabeledLoader> labeled;
  std::unique_ptr<d::PairLoader> pairs;
  d::LabeledBatch labeled_batch;
  d::PairBatch pair_batch;

  static mc::model::PoseNetwork make_network(int resolution) {
    torch::manual_seed(0);
    mc::model::NetworkConfig c;
    c.backbone = "compact";
    c.resolution = resolution;
    mc::model::PoseNetwork net(c, mc::model::InitialState::upright_default());
    net.set_train(true);
    net.freeze_batchnorm(true);
    net.set_dropout(false);
    return net;
  }

  explicit Setup(int r)
      : resolution(r),
        network(make_network(r)),
        optimizer(network.parameters(),
                  torch::optim::AdamOptions(1e-4).betas(std::make_tuple(0.5, 0.999))) {
    Data& x = data();
    const auto cache = x.dir / ".flow_cache";
    d::precompute_pair_flows(*x.unlabeled, r, 1, kFlow, cache);
    std::vector<std::int64_t> all(static_cast<std::size_t>(x.labeled->size()));
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i);
    d::Augmentation augment;
    augment.enabled = false;
    labeled = std::make_unique<d::LabeledLoader>(*x.labeled, all, kBatch, r, augment, 1, 0);
    pairs =
        std::make_unique<d::PairLoader>(*x.unlabeled, kPairBatch, r, 1, kFlow, cache, true, 2, 0);
    labeled_batch = labeled->next();
    pair_batch = pairs->next();
  }
};

Setup& setup(int resolution) {
  static std::map<int, std::unique_ptr<Setup>> setups;
  auto& s = setups[resolution];
  if (!s) s = std::make_unique<Setup>(resolution);
  return *s;
}

// The network's outputs for the pair batch (both frames), detached: inputs of the later stages.
struct PairPrediction {
  at::Tensor rotmats, betas, cam, vertices;  // 2N rows: frame 1 then frame 2
};

PairPrediction predict_pairs(Setup& s) {
  torch::NoGradGuard no_grad;
  const auto pred = mc::train::predict_bodies(
      s.network, data().body, torch::cat({s.pair_batch.images1, s.pair_batch.images2}));
  return {pred.rotmats, pred.betas, pred.cam, pred.vertices};
}

void label(benchmark::State& state, const std::string& what) {
  state.SetLabel(what + ", " + std::to_string(state.range(0)) + " px");
}

// (1a) A labeled batch: read, crop, normalise 16 images.
void BM_1a_LabeledBatch(benchmark::State& state) {
  Setup& s = setup(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(s.labeled->next().images.data_ptr());
  label(state, "LabeledLoader::next, 16 images");
}

// (1b) An unlabeled pair batch: read and crop both frames, colour gains, flow from the cache.
void BM_1b_PairBatch(benchmark::State& state) {
  Setup& s = setup(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(s.pairs->next().flow_fw.data_ptr());
  state.counters["cache_misses"] = static_cast<double>(s.pairs->cache_misses());
  label(state, "PairLoader::next, 16 pairs, flow cache warm");
}

// (2) The network alone: forward of the 16 labeled images and of the 32 pair frames (two passes,
// as the trainer makes them), a loss touching every output, backward.
void BM_2_NetworkForwardBackward(benchmark::State& state) {
  Setup& s = setup(static_cast<int>(state.range(0)));
  const auto frames = torch::cat({s.pair_batch.images1, s.pair_batch.images2});
  for (auto _ : state) {
    s.optimizer.zero_grad();
    const auto a = s.network.forward(s.labeled_batch.images);
    const auto b = s.network.forward(frames);
    const auto loss = a.rotmats.sum() + a.betas.sum() + a.cam.sum() + b.rotmats.sum() +
                      b.betas.sum() + b.cam.sum();
    loss.backward();
  }
  label(state, "PoseNetwork 16 + 32 images");
}

// (3) The body layer for the 48 predicted bodies, forward + backward to rotations and betas.
void BM_3_BodyModelForwardBackward(benchmark::State& state) {
  Setup& s = setup(static_cast<int>(state.range(0)));
  at::Tensor rotmats, betas;
  {
    torch::NoGradGuard no_grad;
    const auto a = s.network.forward(s.labeled_batch.images);
    const auto b = predict_pairs(s);
    rotmats = torch::cat({a.rotmats, b.rotmats}).requires_grad_(true);
    betas = torch::cat({a.betas, b.betas}).requires_grad_(true);
  }
  int64_t vertices = 0;
  for (auto _ : state) {
    const auto out = data().body.forward(rotmats, betas);
    (out.vertices.sum() + out.keypoints.sum()).backward();
    vertices = out.vertices.size(1);
    rotmats.mutable_grad() = at::Tensor();
    betas.mutable_grad() = at::Tensor();
  }
  state.counters["vertices"] = static_cast<double>(vertices);
  label(state, "BodyModel 48 bodies");
}

// (4) Projection of both frames and visibility (32 meshes rasterised), no gradient.
void BM_4_Visibility(benchmark::State& state) {
  Setup& s = setup(static_cast<int>(state.range(0)));
  const auto p = predict_pairs(s);
  const int64_t n = kPairBatch;
  torch::NoGradGuard no_grad;
  double visible = 0;
  for (auto _ : state) {
    const auto pp = mc::losses::project_pair(
        p.vertices.slice(0, 0, n), p.cam.slice(0, 0, n), p.vertices.slice(0, n, 2 * n),
        p.cam.slice(0, n, 2 * n), data().body.faces(), s.resolution);
    visible = pp.both_visible.to(torch::kFloat).mean().item<double>();
  }
  state.counters["visible_fraction"] = visible;
  label(state, "project_pair with visibility, 16 pairs");
}

// (5) The flow loss on the projected points, both directions, forward + backward to the points.
void BM_5_FlowLossForwardBackward(benchmark::State& state) {
  Setup& s = setup(static_cast<int>(state.range(0)));
  const auto p = predict_pairs(s);
  const int64_t n = kPairBatch;
  const auto pp = mc::losses::project_pair(p.vertices.slice(0, 0, n), p.cam.slice(0, 0, n),
                                           p.vertices.slice(0, n, 2 * n), p.cam.slice(0, n, 2 * n),
                                           data().body.faces(), s.resolution);
  auto p1 = pp.p1.detach().clone().requires_grad_(true);
  auto p2 = pp.p2.detach().clone().requires_grad_(true);
  mc::losses::FlowLossOptions fo;
  fo.resolution = s.resolution;
  double kept = 0;
  for (auto _ : state) {
    const auto f = mc::losses::flow_consistency_loss(p1, p2, pp.both_visible, s.pair_batch.flow_fw,
                                                     s.pair_batch.flow_bw, fo);
    f.loss.backward();
    kept = f.pairs_total > 0 ? static_cast<double>(f.pairs_kept) / f.pairs_total : 0.0;
    p1.mutable_grad() = at::Tensor();
    p2.mutable_grad() = at::Tensor();
  }
  state.counters["pairs_kept"] = kept;
  label(state, "flow_consistency_loss, 16 pairs");
}

// (5b) The supervised loss of the labeled batch alone (targets from the batch), forward +
// backward to the network's outputs.
void BM_5b_SupervisedLossForwardBackward(benchmark::State& state) {
  Setup& s = setup(static_cast<int>(state.range(0)));
  at::Tensor rotmats, betas, cam, keypoints;
  {
    torch::NoGradGuard no_grad;
    const auto pred = mc::train::predict_bodies(s.network, data().body, s.labeled_batch.images);
    rotmats = pred.rotmats.requires_grad_(true);
    betas = pred.betas.requires_grad_(true);
    cam = pred.cam.requires_grad_(true);
    keypoints = pred.keypoints.requires_grad_(true);
  }
  const auto& b = s.labeled_batch;
  mc::losses::SupervisedTargets t;
  t.rotmats = mc::body::axis_angle_to_matrix(b.pose.view({kBatch, 24, 3}));
  t.betas = b.betas;
  t.has_smpl = b.has_smpl;
  t.keypoints2d = b.keypoints2d;
  t.keypoints3d = b.keypoints3d;
  for (auto _ : state) {
    mc::losses::supervised_loss(rotmats, betas, cam, keypoints, t).total.backward();
    for (auto* x : {&rotmats, &betas, &cam, &keypoints}) x->mutable_grad() = at::Tensor();
  }
  label(state, "supervised_loss, 16 images");
}

// (5c) Gradient clipping and the Adam step (gradients left from one backward pass).
void BM_5c_ClipAndAdam(benchmark::State& state) {
  Setup& s = setup(static_cast<int>(state.range(0)));
  s.optimizer.zero_grad();
  const auto p = s.network.forward(s.labeled_batch.images);
  (p.rotmats.sum() + p.betas.sum() + p.cam.sum()).backward();
  for (auto _ : state) {
    torch::nn::utils::clip_grad_norm_(s.network.parameters(), kGradClip);
    s.optimizer.step();
  }
  state.counters["params_M"] = static_cast<double>(s.network.parameter_count()) / 1e6;
  label(state, "clip_grad_norm_ + Adam");
}

// (6) The whole step as the trainer makes it. range(1): 1 = the batches are drawn inside the step
// (loaders without workers), 0 = the pre-drawn batches are reused (compute only).
void BM_6_WholeStep(benchmark::State& state) {
  Setup& s = setup(static_cast<int>(state.range(0)));
  const bool draw = state.range(1) != 0;
  mc::train::UnlabeledWeights uw;
  uw.flow = kFlowWeight;
  mc::losses::FlowLossOptions uo;
  uo.resolution = s.resolution;
  for (auto _ : state) {
    const d::LabeledBatch lb = draw ? s.labeled->next() : s.labeled_batch;
    const mc::losses::SupervisedTerms sup =
        mc::losses::supervised_forward(s.network, data().body, lb, mc::losses::SupervisedWeights{});
    std::map<std::string, double> logged;
    logged["supervised"] = sup.total.item<double>();
    const d::PairBatch pb = draw ? s.pairs->next() : s.pair_batch;
    const mc::train::UnlabeledTerms u =
        mc::train::unlabeled_forward(s.network, data().body, pb, uw, uo);
    logged.insert(u.logged.begin(), u.logged.end());
    const at::Tensor total = sup.total + u.total;
    benchmark::DoNotOptimize(total.item<double>());
    s.optimizer.zero_grad();
    total.backward();
    torch::nn::utils::clip_grad_norm_(s.network.parameters(), kGradClip);
    s.optimizer.step();
  }
  state.SetLabel(std::string(draw ? "with" : "without") + " data, " +
                 std::to_string(state.range(0)) + " px");
}

// Process CPU time in milliseconds.
double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

// Adds the CPU time since the previous call to counters[name].
class StageClock {
 public:
  explicit StageClock(std::map<std::string, double>& totals) : totals_(totals), last_(cpu_ms()) {}
  void lap(const std::string& name) {
    const double now = cpu_ms();
    totals_[name] += now - last_;
    last_ = now;
  }

 private:
  std::map<std::string, double>& totals_;
  double last_;
};

at::Tensor grad_or_zeros(const at::Tensor& leaf) {
  return leaf.grad().defined() ? leaf.grad() : torch::zeros_like(leaf);
}

at::Tensor leaf(const at::Tensor& t) { return t.detach().requires_grad_(true); }

// (7) The same step cut at the network's outputs and at the body model's outputs (detached
// leaves), so that each part's forward and backward are timed inside the same iterations: the
// counters are CPU ms per step and add up to the step, which makes the shares robust to the load
// of the machine drifting between benchmarks. The work is that of (6) with data, and the
// backward is run piecewise: losses -> body outputs, body -> network outputs, network -> weights.
void BM_7_StepByStage(benchmark::State& state) {
  Setup& s = setup(static_cast<int>(state.range(0)));
  const auto& body = data().body;
  const int64_t n = kPairBatch;
  mc::losses::FlowLossOptions fo;
  fo.resolution = s.resolution;
  std::map<std::string, double> totals;
  for (auto _ : state) {
    StageClock clock(totals);
    const d::LabeledBatch lb = s.labeled->next();
    const d::PairBatch pb = s.pairs->next();
    clock.lap("1_data");

    const auto a = s.network.forward(lb.images);
    const auto b = s.network.forward(torch::cat({pb.images1, pb.images2}));
    clock.lap("2_net_fwd");

    auto ra = leaf(a.rotmats), ba = leaf(a.betas), ca = leaf(a.cam);
    auto rb = leaf(b.rotmats), bb = leaf(b.betas), cb = leaf(b.cam);
    const auto out_a = body.forward(ra, ba);
    const auto out_b = body.forward(rb, bb);
    clock.lap("3_body_fwd");

    auto kp = leaf(out_a.keypoints), verts = leaf(out_b.vertices);
    mc::losses::SupervisedTargets t;
    t.rotmats = mc::body::axis_angle_to_matrix(lb.pose.view({kBatch, 24, 3}));
    t.betas = lb.betas;
    t.has_smpl = lb.has_smpl;
    t.keypoints2d = lb.keypoints2d;
    t.keypoints3d = lb.keypoints3d;
    const auto sup = mc::losses::supervised_loss(ra, ba, ca, kp, t);
    clock.lap("5b_supervised_fwd");

    const auto pp =
        mc::losses::project_pair(verts.slice(0, 0, n), cb.slice(0, 0, n), verts.slice(0, n, 2 * n),
                                 cb.slice(0, n, 2 * n), body.faces(), s.resolution);
    clock.lap("4_project_visibility");

    const auto f = mc::losses::flow_consistency_loss(pp.p1, pp.p2, pp.both_visible, pb.flow_fw,
                                                     pb.flow_bw, fo);
    const at::Tensor total = sup.total + kFlowWeight * f.loss;
    benchmark::DoNotOptimize(total.item<double>());
    clock.lap("5_flow_fwd");

    total.backward();
    clock.lap("5_losses_bwd");

    torch::autograd::backward({out_a.keypoints, out_b.vertices},
                              {grad_or_zeros(kp), grad_or_zeros(verts)});
    clock.lap("3_body_bwd");

    s.optimizer.zero_grad();
    torch::autograd::backward({a.rotmats, a.betas, a.cam, b.rotmats, b.betas, b.cam},
                              {grad_or_zeros(ra), grad_or_zeros(ba), grad_or_zeros(ca),
                               grad_or_zeros(rb), grad_or_zeros(bb), grad_or_zeros(cb)});
    clock.lap("2_net_bwd");

    torch::nn::utils::clip_grad_norm_(s.network.parameters(), kGradClip);
    s.optimizer.step();
    clock.lap("6_clip_adam");
  }
  const double iterations = static_cast<double>(state.iterations());
  double sum = 0;
  for (const auto& [k, v] : totals) {
    state.counters[k] = v / iterations;
    sum += v;
  }
  const double network = totals["2_net_fwd"] + totals["2_net_bwd"];
  const double data_ms = totals["1_data"];
  state.counters["share_beyond_net"] = 1.0 - network / sum;
  state.counters["share_beyond_net_no_data"] = 1.0 - network / (sum - data_ms);
  label(state, "CPU ms per step by stage");
}

void Resolutions(benchmark::internal::Benchmark* b) {
  b->ArgName("px")->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
}

BENCHMARK(BM_1a_LabeledBatch)->Apply(Resolutions);
BENCHMARK(BM_1b_PairBatch)->Apply(Resolutions);
BENCHMARK(BM_2_NetworkForwardBackward)->Apply(Resolutions);
BENCHMARK(BM_3_BodyModelForwardBackward)->Apply(Resolutions);
BENCHMARK(BM_4_Visibility)->Apply(Resolutions);
BENCHMARK(BM_5_FlowLossForwardBackward)->Apply(Resolutions);
BENCHMARK(BM_5b_SupervisedLossForwardBackward)->Apply(Resolutions);
BENCHMARK(BM_5c_ClipAndAdam)->Apply(Resolutions);
BENCHMARK(BM_6_WholeStep)
    ->ArgNames({"px", "data"})
    ->Args({64, 1})
    ->Args({64, 0})
    ->Args({128, 1})
    ->Args({128, 0})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
// 224 px (the paper's crop) only for the by-stage split: a step takes seconds there on one core.
BENCHMARK(BM_7_StepByStage)
    ->ArgName("px")
    ->Arg(64)
    ->Arg(128)
    ->Arg(224)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();

}  // namespace
