// motioncue flow: precompute the optical flow of every frame pair of a dataset into the flow
// cache (and, with --keypoints, a pretrained detector's 2D keypoints on every frame), or compute
// the flow of one pair of images into a .flo file.
#include <opencv2/imgcodecs.hpp>

#include <iostream>
#include <memory>
#include <mutex>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/dataset_flow.h"
#include "motioncue/flow/estimator.h"
#include "motioncue/flow/flo_io.h"
#include "motioncue/flow/flow_cache.h"
#include "motioncue/flow/visualize.h"
#include "motioncue/infer/video_keypoints.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/train/options.h"
#include "verb.h"

namespace {

namespace fs = std::filesystem;
namespace mf = motioncue::flow;
namespace md = motioncue::data;

struct FlowOptions {
  std::string data, estimator = "dis-medium", cache;
  int resolution = 0, gap = 1;  // 0: the crop size refine will use (crop_resolution)
  std::string init;             // the checkpoint refine will refine
  bool evaluate = false;
  std::string image1, image2, out, color;
  std::string keypoints;  // a keypoint model whose keypoints to store per frame
};

void write_png(const fs::path& file, const cv::Mat& image) {
  std::vector<std::uint8_t> bytes;
  if (!cv::imencode(".png", image, bytes)) throw motioncue::Error("cannot encode PNG").file(file);
  motioncue::write_file_atomic(file, bytes);
}

void single_pair(const FlowOptions& o) {
  if (o.image2.empty() || o.out.empty())
    throw motioncue::Error("--image1 needs --image2 and --out");
  const cv::Mat a = md::read_frame(o.image1);
  const cv::Mat b = md::read_frame(o.image2, a.size());
  const auto estimator = mf::make_flow_estimator(o.estimator);
  const std::string sizes = estimator->unsupported_size(a.size());
  if (!sizes.empty())
    throw motioncue::Error("the images are too small or too thin for the flow estimator " +
                           o.estimator)
        .file(o.image1)
        .expected(sizes)
        .found(std::to_string(a.cols) + "x" + std::to_string(a.rows));
  const cv::Mat flow = estimator->compute(a, b);
  mf::write_flo(o.out, flow);
  if (!o.color.empty()) write_png(o.color, mf::flow_to_color(flow));
  std::cout << "flow " << a.cols << "x" << a.rows << " (" << estimator->config_key() << ") -> "
            << o.out << (o.color.empty() ? "" : ", " + o.color) << "\n";
}

// The detector's keypoints on every frame, before the flow: a missing model fails at once.
void store_keypoints(const FlowOptions& o, const md::VideoDataset& sequences) {
  motioncue::Progress kp_progress("keypoints " + o.keypoints, sequences.total_frames(), "frames");
  const auto kp = motioncue::infer::detect_video_keypoints(sequences, o.keypoints,
                                                           [&] { kp_progress.advance(); });
  kp_progress.finish();
  std::printf(
      "keypoints: %s on %lld frames of %lld sequences, %.1f ms/frame; mean limb confidence "
      "%.3f; written to <sequence>/keypoints/%s.npy\n",
      o.keypoints.c_str(), static_cast<long long>(kp.frames), static_cast<long long>(kp.sequences),
      kp.frames > 0 ? 1000.0 * kp.seconds / double(kp.frames) : 0.0, kp.mean_limb_confidence,
      o.keypoints.c_str());
}

// The crops the flow is computed at: --resolution, else the input size of the --init network,
// else the training default (model.resolution). Refine computes its flow at the network's size
// (unless refine.flow_resolution says otherwise), so the cache then holds what it looks up.
int crop_resolution(const FlowOptions& o) {
  if (o.resolution > 0) return o.resolution;
  if (!o.init.empty()) return motioncue::model::checkpoint_network_config(o.init).resolution;
  return motioncue::train::BaselineOptions{}.model.resolution;
}

void dataset(FlowOptions o) {
  o.resolution = crop_resolution(o);
  const auto estimator = mf::make_flow_estimator(o.estimator);
  // Checked before anything is read or the cache folder is made.
  if (!estimator->unsupported_size({o.resolution, o.resolution}).empty()) {
    int smallest = o.resolution;
    while (smallest < 4096 && !estimator->unsupported_size({smallest, smallest}).empty())
      ++smallest;
    throw motioncue::Error("the crops are too small for the flow estimator " + o.estimator)
        .key("--resolution")
        .expected("at least " + std::to_string(smallest))
        .found(std::to_string(o.resolution));
  }
  const auto sequences = md::VideoDataset::open(o.data);
  if (!o.keypoints.empty()) {
    if (o.evaluate) throw motioncue::Error("--keypoints and --evaluate do not go together");
    store_keypoints(o, sequences);
  }
  // `refine` looks in <benchmark root>/.flow_cache, so a split's flow goes there too.
  fs::path data = fs::absolute(o.data).lexically_normal();
  if (data.filename().empty()) data = data.parent_path();  // "split/" -> "split"
  const fs::path root =
      fs::exists(data.parent_path() / "benchmark.json") ? data.parent_path() : data;
  const fs::path cache_dir = o.cache.empty() ? mf::default_flow_cache(root) : fs::path(o.cache);
  const mf::FlowCache cache(cache_dir);
  if (o.evaluate) {
    const auto r = md::evaluate_against_oracle(sequences, *estimator, o.resolution, o.gap, &cache);
    if (r.pairs == 0)
      throw motioncue::Error("no pair has ground-truth flow (<seq>/flow/fw_%06d.npy)").file(o.data);
    std::printf(
        "flow vs ground truth: estimator %s, gap %d, %dx%d crops: EPE %.3f px, Fl %.2f %% over "
        "%lld pixels of %lld pairs (%lld pairs without ground truth)\n",
        o.estimator.c_str(), o.gap, o.resolution, o.resolution, r.error.epe,
        100.0 * r.error.outlier_rate, static_cast<long long>(r.error.count),
        static_cast<long long>(r.pairs), static_cast<long long>(r.no_truth));
    return;
  }
  std::mutex mutex;
  motioncue::Progress progress("flow " + o.estimator, md::pair_count(sequences, o.gap), "pairs");
  const auto stats = md::precompute_flow(sequences, *estimator, cache, o.resolution, o.gap, [&] {
    std::lock_guard<std::mutex> lock(mutex);
    progress.advance();
  });
  progress.finish();
  const double ms = stats.pairs > 0 ? 1000.0 * stats.seconds / double(stats.pairs) : 0.0;
  std::printf(
      "flow: %lld pairs (gap %d, %dx%d crops) in %lld sequences; %lld flows cached already, "
      "%lld computed; %.1f ms/pair wall; estimator %s; cache %s\n",
      static_cast<long long>(stats.pairs), o.gap, o.resolution, o.resolution,
      static_cast<long long>(stats.sequences), static_cast<long long>(stats.hits),
      static_cast<long long>(stats.misses), ms, estimator->config_key().c_str(),
      cache_dir.string().c_str());
}

motioncue::cli::VerbRegistration register_flow(
    "flow", "Precompute optical flow of a dataset's frame pairs, or of one image pair",
    [](CLI::App& app) {
      auto o = std::make_shared<FlowOptions>();
      std::string names;
      for (const auto& n : mf::flow_estimator_names()) names += (names.empty() ? "" : ", ") + n;
      app.add_option("--data", o->data,
                     "folder of sequences (<seq>/frames/*.png or *.jpg + annotations.npz), "
                     "searched recursively");
      app.add_option("--estimator", o->estimator, "flow estimator: " + names)
          ->capture_default_str();
      app.add_option("--resolution", o->resolution,
                     "crop resolution in pixels (default: the --init network's input size, else "
                     "the training default, the size refine looks up)")
          ->check(CLI::Range(8, 4096));
      app.add_option("--init", o->init,
                     "with --data: the checkpoint refine will refine; its input size is the "
                     "crop resolution");
      app.add_option("--gap", o->gap, "frame gap of the pairs (t, t + gap)")
          ->capture_default_str()
          ->check(CLI::Range(1, 1000));
      app.add_option("--cache", o->cache,
                     "flow cache folder (default: <data>/.flow_cache, or the benchmark root's "
                     "when --data is one of its splits, where refine looks)");
      app.add_option("--keypoints", o->keypoints,
                     "with --data: also store this keypoint model's 2D keypoints on every frame "
                     "(<sequence>/keypoints/MODEL.npy), the targets of refine.keypoints: MODEL "
                     "(movenet-thunder, movenet-lightning or blazepose-full)");
      app.add_flag("--evaluate", o->evaluate,
                   "with --data: endpoint error of the forward flow against the ground-truth "
                   "flow (<seq>/flow/fw_*.npy) on the pixels where it is defined");
      app.add_option("--image1", o->image1, "first image of a single pair");
      app.add_option("--image2", o->image2, "second image of a single pair");
      app.add_option("--out", o->out, "output .flo for a single pair");
      app.add_option("--color", o->color, "also write the colour-coded flow (PNG)");
      app.callback([o] {
        if (!o->data.empty() && !o->image1.empty())
          throw motioncue::Error("give either --data or --image1/--image2, not both");
        if (!o->keypoints.empty() && o->data.empty())
          throw motioncue::Error("--keypoints needs --data");
        if (!o->init.empty() && o->data.empty()) throw motioncue::Error("--init needs --data");
        try {
          if (!o->data.empty())
            dataset(*o);
          else if (!o->image1.empty())
            single_pair(*o);
          else
            throw motioncue::Error(
                "nothing to do: give --data DIR or --image1 A --image2 B --out F");
        } catch (const cv::Exception& e) {
          // Whatever OpenCV still refuses reaches the user as one line, not its multi-line text.
          throw motioncue::Error("OpenCV failed in " + e.func + ": " + e.err)
              .file(o->data.empty() ? o->image1 : o->data);
        }
      });
    });

}  // namespace
