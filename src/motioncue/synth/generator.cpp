#include "motioncue/synth/generator.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <numeric>
#include <regex>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/folder_lock.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/progress.h"
#include "motioncue/core/seed.h"
#include "motioncue/synth/detector_keypoints.h"
#include "motioncue/synth/pose_sampler.h"
#include "motioncue/synth/shot_renderer.h"
#include "motioncue/synth/statistics.h"
#include "motioncue/viz/contact_sheet.h"

namespace fs = std::filesystem;

namespace motioncue::synth {
namespace {

constexpr int kNumBetas = 10;
constexpr double kLabeledMotionWindow = 4.0;  // seconds of a motion a labeled pose is drawn from

std::mt19937_64 stream(const SynthSpec& spec, const std::string& name, std::uint64_t index) {
  return std::mt19937_64(derive_seed(spec.seed, name, index));
}

Subject make_subject(const SynthSpec& spec, const BodyAssets& assets, const std::string& split,
                     int index) {
  auto rng = stream(spec, "subject/" + split, index);
  Subject s;
  s.id = subject_id(split, index);
  s.betas = sample_betas(rng, kNumBetas, spec.beta_clip);
  s.appearance = sample_appearance(rng);
  s.regions =
      assign_regions(s.appearance, assets.layout, assets.rest_vertices.data(), assets.num_vertices);
  return s;
}

std::vector<std::uint8_t> encode_png(const cv::Mat& img, int compression) {
  std::vector<std::uint8_t> bytes;
  if (!cv::imencode(".png", img, bytes, {cv::IMWRITE_PNG_COMPRESSION, compression}))
    throw Error("PNG encoding failed");
  return bytes;
}

NpyArray f32(std::vector<std::int64_t> shape, const std::vector<double>& v) {
  return NpyArray::from_f32(std::move(shape), std::vector<float>(v.begin(), v.end()));
}

NpyArray flow_f16(const cv::Mat& flow) {
  NpyArray a;
  a.dtype = DType::kF16;
  a.shape = {flow.rows, flow.cols, 2};
  a.bytes.resize(static_cast<std::size_t>(flow.rows) * flow.cols * 2 * 2);
  auto* out = reinterpret_cast<std::uint16_t*>(a.bytes.data());
  for (int i = 0; i < flow.rows; ++i)
    for (int j = 0; j < flow.cols; ++j) {
      const cv::Vec2f v = flow.at<cv::Vec2f>(i, j);
      *out++ = float_to_half(v[0]);
      *out++ = float_to_half(v[1]);
    }
  return a;
}

// A scene for one shot: background (with a margin for camera drift), occluder, lighting.
void dress_scene(const SynthSpec& spec, ShotInput& in, std::mt19937_64& rng, bool allow_occluder) {
  double max_shift = 0;
  for (const auto& s : in.cameras.background_shift)
    max_shift = std::max({max_shift, std::abs(s.x), std::abs(s.y)});
  in.margin = static_cast<int>(std::ceil(max_shift)) + 2;
  in.background = make_background(spec.width + 2 * in.margin, spec.height + 2 * in.margin, rng);
  in.light = sample_lighting(spec, rng);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  // Occluders are fixed in the image, so only shots with a still camera get one.
  if (allow_occluder && !in.cameras.moving && u01(rng) < spec.occluder_probability) {
    const double half = 0.3 * spec.height;
    const cv::Rect2d focus(spec.width / 2.0 - half * 0.6, spec.height / 2.0 - half, half * 1.2,
                           2 * half);
    in.occluder = make_occluder(spec.width, spec.height, focus, rng);
  }
  in.width = spec.width;
  in.height = spec.height;
  in.supersample = spec.supersample;
  in.box_padding = spec.box_padding;
  in.box_center_jitter = spec.box_center_jitter;
  in.box_scale_jitter = spec.box_scale_jitter;
}

MotionFamily pick_family(const SplitSpec& split, std::mt19937_64& rng) {
  return split
      .families[std::uniform_int_distribution<std::size_t>(0, split.families.size() - 1)(rng)];
}

struct LabeledItem {
  ShotOutput shot;
  std::string source;  // "random" or the motion family
};

LabeledItem make_labeled(const SynthSpec& spec, const BodyAssets& assets,
                         const std::vector<Subject>& subjects, int i, bool render) {
  auto rng = stream(spec, "labeled", i);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  LabeledItem item;
  BodyPose pose;
  if (u01(rng) < spec.labeled.random_pose_fraction) {
    pose = sample_static_pose(rng);
    item.source = "random";
  } else {
    const MotionFamily family = pick_family(spec.labeled, rng);
    const MotionParams params = sample_motion_params(family, rng, spec.style_noise);
    pose = evaluate_motion(params, u01(rng) * kLabeledMotionWindow);
    item.source = motion_family_name(family);
  }
  ShotInput in;
  in.subject = &subjects[i % subjects.size()];
  in.poses = {pose};
  in.cameras = place_cameras(spec, in.poses, false, rng);
  dress_scene(spec, in, rng, true);
  in.render = render;
  item.shot = render_shot(assets, in, rng);
  return item;
}

struct SequenceInfo {
  std::string name, subject, family, motion;
  bool moving = false, occluder = false;
};

void write_sequence(const SynthSpec& spec, const BodyAssets& assets, const SplitSpec& split,
                    const std::vector<Subject>& subjects, int i, const fs::path& dir) {
  auto rng = stream(spec, "sequence/" + split.name, i);
  // Families cycle through the split in a shuffled order so every family is represented.
  std::vector<std::size_t> order(split.families.size());
  std::iota(order.begin(), order.end(), 0);
  auto order_rng = stream(spec, "family_order/" + split.name, 0);
  std::shuffle(order.begin(), order.end(), order_rng);
  const MotionFamily family = split.families[order[i % order.size()]];
  const MotionParams params = sample_motion_params(family, rng, spec.style_noise);
  ShotInput in;
  in.subject = &subjects[i % subjects.size()];
  in.poses = generate_motion(params, split.frames, spec.fps);
  in.cameras = place_cameras(spec, in.poses, true, rng);
  dress_scene(spec, in, rng, true);
  in.flow = true;  // also measured for the statistics when not written
  const ShotOutput shot = render_shot(assets, in, rng);

  const fs::path tmp = dir.parent_path() / ("." + dir.filename().string() + ".partial");
  fs::remove_all(tmp);
  fs::create_directories(tmp / "frames");
  const int T = split.frames;
  for (int t = 0; t < T; ++t)
    write_file_atomic(tmp / "frames" / fmt::format("{:06d}.png", t),
                      encode_png(shot.images[t], spec.png_compression));
  Npz npz;
  npz.set("center", f32({T, 2}, shot.center));
  npz.set("scale", f32({T}, shot.scale));
  npz.set("pose", f32({T, 72}, shot.pose));
  npz.set("betas", f32({T, kNumBetas}, shot.betas));
  npz.set("trans", f32({T, 3}, shot.trans));
  npz.set("joints3d", f32({T, 24, 3}, shot.joints3d));
  npz.set("joints2d", f32({T, 24, 3}, shot.joints2d));
  {
    // Its own random stream: adding detector keypoints changes nothing else in the benchmark.
    auto detector_rng = stream(spec, "detector/" + split.name, static_cast<std::uint64_t>(i));
    std::vector<double> box_side;
    for (const auto s : shot.scale) box_side.push_back(200.0 * s);
    npz.set(
        "keypoints2d_detected",
        f32({T, 24, 3}, simulate_detector(shot.joints2d, box_side, DetectorNoise{}, detector_rng)));
  }
  npz.set("focal", f32({T, 2}, shot.focal));
  npz.set("principal", f32({T, 2}, shot.principal));
  write_npz(tmp / "annotations.npz", npz);
  if (split.flow) {
    fs::create_directories(tmp / "flow");
    for (int t = 0; t + 1 < T; ++t) {
      write_npy(tmp / "flow" / fmt::format("fw_{:06d}.npy", t), flow_f16(shot.flow_forward[t]));
      write_npy(tmp / "flow" / fmt::format("bw_{:06d}.npy", t + 1),
                flow_f16(shot.flow_backward[t]));
    }
  }
  // Flow magnitude at crop resolution: frame pixels times crop_resolution / box side.
  std::vector<double> crop_flow;
  for (int t = 0; t + 1 < T; ++t)
    crop_flow.push_back(shot.flow_mean_px[t] * spec.crop_resolution / (200.0 * shot.scale[t]));
  nlohmann::json meta = {{"fps", spec.fps},
                         {"width", spec.width},
                         {"height", spec.height},
                         {"frames", T},
                         {"motion", describe_motion(params)},
                         {"family", motion_family_name(family)},
                         {"subject", in.subject->id},
                         {"split", split.name},
                         {"camera_motion", in.cameras.moving},
                         {"occluder", !in.occluder.alpha.empty()},
                         {"flow", split.flow},
                         {"flow_mean_crop_px", crop_flow}};
  write_file_atomic(tmp / "meta.json", meta.dump(2) + "\n");
  fs::remove_all(dir);
  fs::rename(tmp, dir);
}

std::vector<Subject> make_subjects(const SynthSpec& spec, const BodyAssets& assets,
                                   const SplitSpec& split) {
  const int n = std::min(split.subjects, std::max(1, split.items));
  std::vector<Subject> s(n);
  at::parallel_for(0, n, 16, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i)
      s[i] = make_subject(spec, assets, split.name, static_cast<int>(i));
  });
  return s;
}

std::string effective_spec_text(const SynthSpec& spec) {
  return std::regex_replace(spec.source_text, std::regex("(^|\n)seed:[^\n]*"),
                            "$1seed: " + std::to_string(spec.seed));
}

// Stops a run from mixing two different benchmarks, or a benchmark and unrelated files, in one
// folder, and two processes from writing it at once. The returned claim lasts the whole run.
std::unique_ptr<FolderLock> claim_output(const SynthSpec& spec, const fs::path& out) {
  if (fs::exists(out) && !fs::is_directory(out))
    throw Error("output path exists and is not a folder").file(out.string());
  fs::create_directories(out);
  auto lock = std::make_unique<FolderLock>(out);
  const fs::path marker = out / "spec.yaml";
  const std::string text = effective_spec_text(spec);
  if (fs::exists(marker)) {
    if (read_file_text(marker) != text)
      throw Error("the output folder holds a benchmark made from another spec or seed")
          .file(marker.string())
          .expected("the same spec and seed to resume, or an empty folder");
    return lock;
  }
  if (!fs::is_empty(out))
    throw Error("output folder is not empty and holds no benchmark; choose another --out")
        .file(out.string());
  write_file_atomic(marker, text);
  return lock;
}

struct SplitStats {
  std::vector<double> keypoints;  // frames x 24 x 3
  std::vector<double> crop_flow;
  std::map<std::string, int> families;
  int moving = 0, occluded = 0;
};

SplitStats read_sequence_stats(const fs::path& dir) {
  SplitStats st;
  const Npz npz = read_npz(dir / "annotations.npz");
  st.keypoints = npz.at("joints3d").to_f64();
  const auto meta = read_json_file(dir / "meta.json");
  st.crop_flow = meta.at("flow_mean_crop_px").get<std::vector<double>>();
  st.families[meta.at("family").get<std::string>()] = 1;
  st.moving = meta.at("camera_motion").get<bool>();
  st.occluded = meta.at("occluder").get<bool>();
  return st;
}

cv::Mat read_image(const fs::path& p) {
  cv::Mat m = cv::imread(p.string(), cv::IMREAD_COLOR);
  if (m.empty()) throw Error("cannot read image").file(p.string());
  return m;
}

}  // namespace

std::string subject_id(const std::string& split, int index) {
  return fmt::format("{}_s{:04d}", split, index);
}
std::string sequence_name(int index) { return fmt::format("seq_{:04d}", index); }

GenerateSummary generate_benchmark(const SynthSpec& spec, const body::BodyModel& model,
                                   const fs::path& out, const GenerateOptions& options) {
  const auto claim = claim_output(spec, out);
  const BodyAssets assets = make_body_assets(model);
  GenerateSummary summary;
  std::mutex mutex;
  nlohmann::json stats_json = nlohmann::json::object();

  // ---- labeled images ----
  const SplitSpec& lab = spec.labeled;
  const std::vector<Subject> lab_subjects = make_subjects(spec, assets, lab);
  const fs::path lab_dir = out / "labeled";
  fs::create_directories(lab_dir / "images");
  const int N = lab.items;
  std::vector<LabeledItem> items(N);
  {
    Progress bar("synth labeled", N, "img");
    at::parallel_for(0, N, 1, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) {
        const fs::path img = lab_dir / "images" / fmt::format("{:06d}.png", i);
        const bool have = fs::exists(img);
        items[i] = make_labeled(spec, assets, lab_subjects, static_cast<int>(i), !have);
        if (!have)
          write_file_atomic(img, encode_png(items[i].shot.images[0], spec.png_compression));
        items[i].shot.images.clear();
        std::lock_guard<std::mutex> lock(mutex);
        (have ? summary.images_kept : summary.images_rendered)++;
        bar.advance();
      }
    });
  }
  {
    std::vector<std::string> names, subject_names, sources;
    std::vector<double> center, scale, part, S, pose, shape, trans, focal, principal;
    for (int i = 0; i < N; ++i) {
      const ShotOutput& s = items[i].shot;
      names.push_back(fmt::format("images/{:06d}.png", i));
      subject_names.push_back(lab_subjects[i % lab_subjects.size()].id);
      sources.push_back(items[i].source);
      center.insert(center.end(), s.center.begin(), s.center.end());
      scale.insert(scale.end(), s.scale.begin(), s.scale.end());
      part.insert(part.end(), s.joints2d.begin(), s.joints2d.end());
      for (int k = 0; k < 24; ++k) {
        for (int d = 0; d < 3; ++d) S.push_back(s.joints3d[k * 3 + d]);
        S.push_back(1.0);
      }
      pose.insert(pose.end(), s.pose.begin(), s.pose.end());
      shape.insert(shape.end(), s.betas.begin(), s.betas.end());
      trans.insert(trans.end(), s.trans.begin(), s.trans.end());
      focal.insert(focal.end(), s.focal.begin(), s.focal.end());
      principal.insert(principal.end(), s.principal.begin(), s.principal.end());
    }
    std::vector<std::int64_t> order(N), rank(N);
    std::iota(order.begin(), order.end(), 0);
    auto rank_rng = stream(spec, "subset_rank", 0);
    std::shuffle(order.begin(), order.end(), rank_rng);
    for (int r = 0; r < N; ++r) rank[order[r]] = r;
    Npz npz;
    npz.set("imgname", NpyArray::from_strings({N}, names));
    npz.set("center", f32({N, 2}, center));
    npz.set("scale", f32({N}, scale));
    npz.set("part", f32({N, 24, 3}, part));
    npz.set("S", f32({N, 24, 4}, S));
    npz.set("pose", f32({N, 72}, pose));
    npz.set("shape", f32({N, kNumBetas}, shape));
    npz.set("has_smpl", NpyArray::from_f32({N}, std::vector<float>(N, 1.0f)));
    npz.set("trans", f32({N, 3}, trans));
    npz.set("focal", f32({N, 2}, focal));
    npz.set("principal", f32({N, 2}, principal));
    npz.set("subset_rank", NpyArray::from_i64({N}, rank));
    npz.set("subject", NpyArray::from_strings({N}, subject_names));
    npz.set("source", NpyArray::from_strings({N}, sources));
    write_npz(lab_dir / "annotations.npz", npz);

    std::vector<std::vector<cv::Mat>> rows;
    for (int r = 0; r < 6 && r * 8 < N; ++r) {
      rows.emplace_back();
      for (int c = 0; c < 8 && r * 8 + c < N; ++c)
        rows.back().push_back(read_image(lab_dir / names[r * 8 + c]));
    }
    write_file_atomic(out / "contact_labeled.png",
                      encode_png(viz::make_contact_sheet(rows, 96), spec.png_compression));
  }
  std::vector<double> labeled_keypoints;
  for (const auto& it : items)
    labeled_keypoints.insert(labeled_keypoints.end(), it.shot.joints3d.begin(),
                             it.shot.joints3d.end());
  std::map<std::string, int> labeled_sources;
  for (const auto& it : items) labeled_sources[it.source]++;
  stats_json["labeled"] = {
      {"images", N},
      {"subjects", lab_subjects.size()},
      {"sources", labeled_sources},
      {"pose_diversity_mpjpe_mm",
       mean_pairwise_mpjpe_mm(labeled_keypoints, derive_seed(spec.seed, "stats"))}};
  items.clear();

  // ---- video splits ----
  std::vector<double> test_keypoints;
  for (const SplitSpec* split : {&spec.unlabeled, &spec.val, &spec.test}) {
    const fs::path split_dir = out / split->name;
    fs::create_directories(split_dir);
    for (const auto& e : fs::directory_iterator(split_dir)) {  // left by an interrupted run
      const std::string name = e.path().filename().string();
      if (name.size() > 9 && name.front() == '.' && name.substr(name.size() - 8) == ".partial")
        fs::remove_all(e.path());
    }
    const std::vector<Subject> subjects = make_subjects(spec, assets, *split);
    {
      Progress bar("synth " + split->name, split->items, "seq");
      at::parallel_for(0, split->items, 1, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t i = b; i < e; ++i) {
          const fs::path dir = split_dir / sequence_name(static_cast<int>(i));
          const bool have = fs::exists(dir / "meta.json");
          if (!have) write_sequence(spec, assets, *split, subjects, static_cast<int>(i), dir);
          std::lock_guard<std::mutex> lock(mutex);
          (have ? summary.sequences_kept : summary.sequences_rendered)++;
          bar.advance();
        }
      });
    }
    SplitStats all;
    std::vector<std::vector<cv::Mat>> rows;
    std::vector<std::string> captions;
    for (int i = 0; i < split->items; ++i) {
      const fs::path dir = split_dir / sequence_name(i);
      SplitStats s = read_sequence_stats(dir);
      all.keypoints.insert(all.keypoints.end(), s.keypoints.begin(), s.keypoints.end());
      all.crop_flow.insert(all.crop_flow.end(), s.crop_flow.begin(), s.crop_flow.end());
      for (const auto& kv : s.families) all.families[kv.first] += kv.second;
      all.moving += s.moving;
      all.occluded += s.occluded;
      if (i < 8) {
        rows.emplace_back();
        for (int c = 0; c < 8; ++c) {
          const int t = c * (split->frames - 1) / 7;
          rows.back().push_back(read_image(dir / "frames" / fmt::format("{:06d}.png", t)));
        }
        captions.push_back(s.families.begin()->first);
      }
    }
    if (!rows.empty())
      write_file_atomic(
          out / ("contact_" + split->name + ".png"),
          encode_png(viz::make_contact_sheet(rows, 96, captions), spec.png_compression));
    if (split == &spec.test) test_keypoints = all.keypoints;
    stats_json[split->name] = {
        {"sequences", split->items},
        {"frames_per_sequence", split->frames},
        {"subjects", subjects.size()},
        {"families", all.families},
        {"camera_motion_sequences", all.moving},
        {"occluded_sequences", all.occluded},
        {"flow_mean_crop_px", percentiles(all.crop_flow)},
        {"pose_diversity_mpjpe_mm",
         mean_pairwise_mpjpe_mm(all.keypoints, derive_seed(spec.seed, "stats"))}};
  }
  // How far test poses are from the nearest labeled pose, for nested labeled subsets: the
  // low-data regime is real when this distance grows as the labeled set shrinks.
  {
    std::vector<double> queries;
    const std::int64_t frames = static_cast<std::int64_t>(test_keypoints.size() / 72);
    const std::int64_t step = std::max<std::int64_t>(1, frames / 200);
    for (std::int64_t f = 0; f < frames; f += step)
      queries.insert(queries.end(), test_keypoints.begin() + f * 72,
                     test_keypoints.begin() + (f + 1) * 72);
    // The rank order gives the nested subsets.
    const Npz lab_npz = read_npz(lab_dir / "annotations.npz");
    const auto ranks = lab_npz.at("subset_rank").to_i64();
    std::vector<double> ordered(labeled_keypoints.size());
    for (int i = 0; i < N; ++i)
      std::copy(labeled_keypoints.begin() + i * 72, labeled_keypoints.begin() + (i + 1) * 72,
                ordered.begin() + ranks[i] * 72);
    nlohmann::json nn = nlohmann::json::object();
    for (double fraction : {0.05, 0.1, 0.5, 1.0}) {
      const std::int64_t k =
          std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(fraction * N)));
      nn[std::to_string(k)] = mean_nearest_mpjpe_mm(queries, ordered, k);
    }
    stats_json["test_to_labeled_nearest_mpjpe_mm"] = nn;
  }
  write_file_atomic(out / "statistics.json", stats_json.dump(2) + "\n");

  nlohmann::json bench = {
      {"name", spec.name},
      {"seed", spec.seed},
      {"spec", effective_spec_text(spec)},
      {"format", "docs/FORMATS.md"},
      {"body_model", model.hash()},
      {"width", spec.width},
      {"height", spec.height},
      {"fps", spec.fps},
      {"sizes",
       {{"labeled", N},
        {"unlabeled", {{"sequences", spec.unlabeled.items}, {"frames", spec.unlabeled.frames}}},
        {"val", {{"sequences", spec.val.items}, {"frames", spec.val.frames}}},
        {"test", {{"sequences", spec.test.items}, {"frames", spec.test.frames}}}}},
      {"statistics", stats_json}};
  write_file_atomic(out / "benchmark.json", bench.dump(2) + "\n");
  return summary;
}

}  // namespace motioncue::synth
