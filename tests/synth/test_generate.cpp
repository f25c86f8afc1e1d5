// End-to-end checks of `tiny`: formats, determinism, resumability, projection, flow, splits.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "../support/temp_dir.h"
#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/folder_lock.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/progress.h"
#include "motioncue/synth/generator.h"

namespace fs = std::filesystem;
using namespace motioncue;
using motioncue::testing::TempDir;

namespace {

std::map<std::string, std::vector<std::uint8_t>> read_tree(const fs::path& root) {
  std::map<std::string, std::vector<std::uint8_t>> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file())
      files[fs::relative(e.path(), root).string()] = read_file_bytes(e.path());
  return files;
}

}  // namespace

// Outside the anonymous namespace: gtest derives a class per TEST_F from it.
class Tiny : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Progress::set_enabled(false);
    model_ = std::make_unique<body::BodyModel>(body::load_default_model());
    dir_ = std::make_unique<TempDir>();
    spec_ = synth::load_spec("tiny");
    summary_ = synth::generate_benchmark(spec_, *model_, dir_->path());
  }
  static void TearDownTestSuite() {
    dir_.reset();
    model_.reset();
  }
  static fs::path root() { return dir_->path(); }
  static inline std::unique_ptr<body::BodyModel> model_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline synth::SynthSpec spec_;
  static inline synth::GenerateSummary summary_;
};

namespace {

// u = fx * x / z + cx, v = fy * y / z + cy, the pinhole of docs/FORMATS.md.
void expect_projection(const std::vector<double>& p3, int stride3, const std::vector<double>& p2,
                       const std::vector<double>& focal, const std::vector<double>& principal,
                       std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    for (int k = 0; k < 24; ++k) {
      const double* X = &p3[(i * 24 + k) * stride3];
      const double u = focal[2 * i] * X[0] / X[2] + principal[2 * i];
      const double v = focal[2 * i + 1] * X[1] / X[2] + principal[2 * i + 1];
      ASSERT_NEAR(p2[(i * 24 + k) * 3], u, 1e-3) << "item " << i << " joint " << k;
      ASSERT_NEAR(p2[(i * 24 + k) * 3 + 1], v, 1e-3) << "item " << i << " joint " << k;
    }
}

}  // namespace

TEST_F(Tiny, WritesTheBenchmarkLayoutOfFormatsMd) {
  EXPECT_EQ(summary_.images_rendered, spec_.labeled.items);
  EXPECT_TRUE(fs::exists(root() / "benchmark.json"));
  EXPECT_TRUE(fs::exists(root() / "statistics.json"));
  for (const char* s : {"labeled", "unlabeled", "val", "test"})
    EXPECT_TRUE(fs::exists(root() / ("contact_" + std::string(s) + ".png"))) << s;
  const Npz lab = read_npz(root() / "labeled" / "annotations.npz");
  const std::int64_t N = spec_.labeled.items;
  lab.at("center", {N, 2});
  lab.at("scale", {N});
  lab.at("part", {N, 24, 3});
  lab.at("S", {N, 24, 4});
  lab.at("pose", {N, 72});
  lab.at("shape", {N, 10});
  lab.at("has_smpl", {N});
  lab.at("trans", {N, 3});
  lab.at("focal", {N, 2});
  lab.at("principal", {N, 2});
  // subset_rank is a permutation of 0..N-1 (nested subsets: rank < k).
  auto rank = lab.at("subset_rank", {N}).to_i64();
  std::sort(rank.begin(), rank.end());
  for (std::int64_t i = 0; i < N; ++i) EXPECT_EQ(rank[i], i);
  for (const auto& name : lab.at("imgname").to_strings()) {
    const cv::Mat img = cv::imread((root() / "labeled" / name).string());
    ASSERT_FALSE(img.empty()) << name;
    EXPECT_EQ(img.cols, spec_.width);
    EXPECT_EQ(img.rows, spec_.height);
  }
  const fs::path seq = root() / "test" / synth::sequence_name(0);
  const std::int64_t T = spec_.test.frames;
  const Npz a = read_npz(seq / "annotations.npz");
  for (const auto& [key, dims] :
       std::map<std::string, std::vector<std::int64_t>>{{"center", {T, 2}},
                                                        {"scale", {T}},
                                                        {"pose", {T, 72}},
                                                        {"betas", {T, 10}},
                                                        {"trans", {T, 3}},
                                                        {"joints3d", {T, 24, 3}},
                                                        {"joints2d", {T, 24, 3}},
                                                        {"keypoints2d_detected", {T, 24, 3}},
                                                        {"focal", {T, 2}},
                                                        {"principal", {T, 2}}})
    a.at(key, dims);
  const auto meta = nlohmann::json::parse(read_file_text(seq / "meta.json"));
  EXPECT_EQ(meta.at("fps").get<double>(), 30.0);
  EXPECT_EQ(meta.at("frames").get<int>(), T);
  for (int t = 0; t < T; ++t) EXPECT_TRUE(fs::exists(seq / "frames" / cv::format("%06d.png", t)));
  const NpyArray fw = read_npy(seq / "flow" / "fw_000000.npy");
  EXPECT_EQ(fw.dtype, DType::kF16);
  EXPECT_EQ(fw.shape, (std::vector<std::int64_t>{spec_.height, spec_.width, 2}));
  EXPECT_TRUE(fs::exists(seq / "flow" / cv::format("bw_%06d.npy", static_cast<int>(T - 1))));
  EXPECT_FALSE(fs::exists(root() / "val" / synth::sequence_name(0) / "flow"));  // flow: false
}

TEST_F(Tiny, Joints2dAreTheProjectionOfJoints3dWithTheStoredIntrinsics) {
  const Npz lab = read_npz(root() / "labeled" / "annotations.npz");
  expect_projection(lab.at("S").to_f64(), 4, lab.at("part").to_f64(), lab.at("focal").to_f64(),
                    lab.at("principal").to_f64(), spec_.labeled.items);
  const Npz a = read_npz(root() / "unlabeled" / synth::sequence_name(1) / "annotations.npz");
  expect_projection(a.at("joints3d").to_f64(), 3, a.at("joints2d").to_f64(), a.at("focal").to_f64(),
                    a.at("principal").to_f64(), spec_.unlabeled.frames);
  // The person is in view and fills a good part of the frame.
  const auto part = lab.at("part").to_f64();
  double visible = 0;
  for (std::int64_t i = 0; i < spec_.labeled.items * 24; ++i) visible += part[i * 3 + 2];
  EXPECT_GT(visible / (spec_.labeled.items * 24), 0.8);
  for (double s : lab.at("scale").to_f64()) {
    EXPECT_GT(200 * s, 0.3 * spec_.height);
    EXPECT_LT(200 * s, 1.6 * spec_.height);
  }
}

TEST_F(Tiny, ForwardFlowWarpsFrameTwoOntoFrameOne) {
  // With flat lighting (ambient only) a surface point keeps its colour, so frame 2 sampled at
  // p + flow(p) must reproduce frame 1 on the body. Tolerance, on interior body pixels (all four
  // neighbours on the body; silhouette pixels mix in the background): a mean absolute difference
  // under 2.5 grey levels (bilinear resampling of the texture), under 0.7 times the difference
  // without motion compensation, and lower than with the flow scaled by 0.5 or 1.5 or shifted by
  // 0.3 px. With the spec's directional light the brightness of a turning
  // surface changes too, which is real and not tested here.
  synth::SynthSpec flat = spec_;
  flat.ambient = {1.0, 1.0};
  flat.diffuse = {0.0, 0.0};
  flat.width = flat.height = 256;  // texture detail spans more pixels: less resampling error
  flat.labeled.items = flat.labeled.subjects = 2;
  TempDir dir;
  synth::generate_benchmark(flat, *model_, dir.path());
  int pairs = 0;
  for (const char* split : {"unlabeled", "test"}) {
    for (int s = 0; s < 2; ++s) {
      const fs::path seq = dir.path() / split / synth::sequence_name(s);
      for (int t = 0; t + 1 < spec_.test.frames; ++t) {
        cv::Mat f1 = cv::imread((seq / "frames" / cv::format("%06d.png", t)).string());
        cv::Mat f2 = cv::imread((seq / "frames" / cv::format("%06d.png", t + 1)).string());
        cv::Mat g1, g2;
        cv::cvtColor(f1, g1, cv::COLOR_BGR2GRAY);
        cv::cvtColor(f2, g2, cv::COLOR_BGR2GRAY);
        g1.convertTo(g1, CV_32F);
        g2.convertTo(g2, CV_32F);
        const auto flow = read_npy(seq / "flow" / cv::format("fw_%06d.npy", t)).to_f32();
        const int H = f1.rows, W = f1.cols;
        cv::Mat mapx(H, W, CV_32F), mapy(H, W, CV_32F), valid(H, W, CV_8U, cv::Scalar(0));
        double moved = 0;
        int n = 0;
        for (int i = 0; i < H; ++i)
          for (int j = 0; j < W; ++j) {
            const float u = flow[(i * W + j) * 2], v = flow[(i * W + j) * 2 + 1];
            const bool ok = std::isfinite(u) && std::isfinite(v);
            // Interior pixels only: all four neighbours are body pixels too.
            bool interior = ok && i > 0 && j > 0 && i + 1 < H && j + 1 < W;
            for (int d = 0; interior && d < 4; ++d) {
              const int ii = i + (d == 0) - (d == 1), jj = j + (d == 2) - (d == 3);
              interior = std::isfinite(flow[(ii * W + jj) * 2]);
            }
            valid.at<std::uint8_t>(i, j) = interior;
            mapx.at<float>(i, j) = j + (ok ? u : 0.f);
            mapy.at<float>(i, j) = i + (ok ? v : 0.f);
            if (interior) moved += std::hypot(u, v), ++n;
          }
        cv::Mat warped;
        cv::remap(g2, warped, mapx, mapy, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        const double err = cv::mean(cv::abs(warped - g1), valid)[0];
        const double still = cv::mean(cv::abs(g2 - g1), valid)[0];
        if (n < 50 || moved / n < 0.3) continue;  // too little body or motion to tell
        auto warp_error = [&](double gain, double dx, double dy) {
          cv::Mat mx(H, W, CV_32F), my(H, W, CV_32F), w;
          for (int i = 0; i < H; ++i)
            for (int j = 0; j < W; ++j) {
              mx.at<float>(i, j) = static_cast<float>(j + gain * (mapx.at<float>(i, j) - j) + dx);
              my.at<float>(i, j) = static_cast<float>(i + gain * (mapy.at<float>(i, j) - i) + dy);
            }
          cv::remap(g2, w, mx, my, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
          return cv::mean(cv::abs(w - g1), valid)[0];
        };
        EXPECT_LT(err, 2.5) << seq << " pair " << t;
        EXPECT_LT(err, 0.7 * still) << seq << " pair " << t;
        // The stored flow is the best explanation: scaled or shifted versions do worse.
        EXPECT_LT(err, warp_error(0.5, 0, 0)) << seq << " pair " << t;
        EXPECT_LT(err, warp_error(1.5, 0, 0)) << seq << " pair " << t;
        EXPECT_LT(err, warp_error(1.0, 0.3, -0.3)) << seq << " pair " << t;
        ++pairs;
      }
    }
  }
  EXPECT_GE(pairs, 3);
}

TEST_F(Tiny, SplitsShareNoSubjectOrMotionInstance) {
  std::map<std::string, std::set<std::string>> subjects, motions;
  std::map<std::string, std::set<std::vector<float>>> betas;
  const Npz lab = read_npz(root() / "labeled" / "annotations.npz");
  for (const auto& s : lab.at("subject").to_strings()) subjects["labeled"].insert(s);
  const auto shape = lab.at("shape").to_f32();
  for (std::size_t i = 0; i < shape.size(); i += 10)
    betas["labeled"].insert(std::vector<float>(shape.begin() + i, shape.begin() + i + 10));
  for (const char* split : {"unlabeled", "val", "test"})
    for (const auto& e : fs::directory_iterator(root() / split)) {
      const auto meta = nlohmann::json::parse(read_file_text(e.path() / "meta.json"));
      subjects[split].insert(meta.at("subject").get<std::string>());
      motions[split].insert(meta.at("motion").get<std::string>());
      const auto b = read_npz(e.path() / "annotations.npz").at("betas").to_f32();
      betas[split].insert(std::vector<float>(b.begin(), b.begin() + 10));
    }
  for (const auto& [a, sa] : subjects)
    for (const auto& [b, sb] : subjects) {
      if (a >= b) continue;
      for (const auto& s : sa) EXPECT_FALSE(sb.count(s)) << s << " in " << a << " and " << b;
      for (const auto& x : betas[a])
        EXPECT_FALSE(betas[b].count(x)) << "betas shared: " << a << ", " << b;
      for (const auto& m : motions[a]) EXPECT_FALSE(motions[b].count(m)) << m;
    }
}

TEST_F(Tiny, SameSeedGivesIdenticalBytesAndResumingCompletesTheSameFiles) {
  TempDir other;
  synth::generate_benchmark(spec_, *model_, other.path());
  const auto first = read_tree(root()), second = read_tree(other.path());
  ASSERT_EQ(first.size(), second.size());
  for (const auto& [name, bytes] : first) {
    ASSERT_TRUE(second.count(name)) << name;
    EXPECT_TRUE(second.at(name) == bytes) << name << " differs";
  }
  // Interrupted run: a sequence and an image missing, a half-written sequence left behind.
  fs::remove_all(other.path() / "test" / synth::sequence_name(1));
  fs::remove(other.path() / "labeled" / "images" / "000003.png");
  fs::remove(other.path() / "benchmark.json");
  fs::create_directories(other.path() / "unlabeled" / ".seq_0000.partial" / "frames");
  const synth::GenerateSummary resumed = synth::generate_benchmark(spec_, *model_, other.path());
  EXPECT_EQ(resumed.sequences_rendered, 1);
  EXPECT_EQ(resumed.images_rendered, 1);
  EXPECT_FALSE(fs::exists(other.path() / "unlabeled" / ".seq_0000.partial"));  // cleaned up
  EXPECT_TRUE(read_tree(other.path()) == first);
  // Another seed is refused in the same folder, and gives other data elsewhere.
  synth::SynthSpec reseeded = spec_;
  reseeded.seed += 1;
  EXPECT_THROW(synth::generate_benchmark(reseeded, *model_, other.path()), Error);
}

TEST_F(Tiny, AFolderOfOtherFilesOrOneBeingWrittenIsRefused) {
  TempDir other;
  write_file_atomic(other / "notes.txt", "mine");
  EXPECT_THROW(synth::generate_benchmark(spec_, *model_, other.path()), Error);
  EXPECT_EQ(read_file_text(other / "notes.txt"), "mine");
  EXPECT_FALSE(fs::exists(other / "spec.yaml"));
  fs::remove(other / "notes.txt");
  const FolderLock writer(other.path());  // as another process generating into it would
  EXPECT_THROW(synth::generate_benchmark(spec_, *model_, other.path()), Error);
}
