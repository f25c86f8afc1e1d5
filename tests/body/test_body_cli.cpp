#include <gtest/gtest.h>
#include <torch/torch.h>

#include "../support/run_cli.h"
#include "../support/temp_dir.h"
#include "motioncue/body/body_model.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"

namespace t = motioncue::testing;
using motioncue::NpyArray;

namespace {

// The child process inherits MOTIONCUE_CACHE, set by each test to its own folder.
std::string with_cache(const t::TempDir&, const std::string& args) { return "body " + args; }

}  // namespace

TEST(BodyCli, BuildInfoPoseExport) {
  t::TempDir dir;
  setenv("MOTIONCUE_CACHE", dir.path().c_str(), 1);
  const auto model = (dir / "model.npz").string();
  auto r = t::run_cli(with_cache(dir, "build --out " + model));
  ASSERT_EQ(r.exit_code, 0) << r.output;

  r = t::run_cli(with_cache(dir, "info --json --model " + model));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"watertight\": true"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"manifold\": true"), std::string::npos);

  motioncue::Npz params;
  std::vector<float> pose(2 * 72, 0.0f), betas(2 * 10, 0.0f);
  pose[72 + 18 * 3 + 1] = -1.5f;  // second body: left elbow bent
  betas[0] = 1.0f;
  params.set("pose", NpyArray::from_f32({2, 72}, pose));
  params.set("betas", NpyArray::from_f32({2, 10}, betas));
  motioncue::write_npz(dir / "params.npz", params);
  const auto out = (dir / "out.npz").string();
  r = t::run_cli(with_cache(dir, "pose --model " + model + " --params " +
                                     (dir / "params.npz").string() + " --out " + out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto result = motioncue::read_npz(out);
  const auto nv = motioncue::body::BodyModel::load(model).num_vertices();
  EXPECT_EQ(result.at("vertices").shape, (std::vector<std::int64_t>{2, nv, 3}));
  EXPECT_EQ(result.at("joints").shape, (std::vector<std::int64_t>{2, 24, 3}));
  EXPECT_EQ(result.at("eval_joints").shape, (std::vector<std::int64_t>{2, 14, 3}));
  EXPECT_EQ(result.at("keypoints").shape, (std::vector<std::int64_t>{2, 24, 3}));

  r = t::run_cli(with_cache(dir, "export --model " + model + " --params " +
                                     (dir / "params.npz").string() + " --index 1 --out " +
                                     (dir / "m.obj").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string obj = motioncue::read_file_text(dir / "m.obj");
  EXPECT_EQ(obj.compare(0, 1, "#"), 0);
  EXPECT_NE(obj.find("\nf "), std::string::npos);
  unsetenv("MOTIONCUE_CACHE");
}

TEST(BodyCli, BadParametersGiveOneClearLine) {
  t::TempDir dir;
  setenv("MOTIONCUE_CACHE", dir.path().c_str(), 1);
  motioncue::Npz params;
  params.set("pose", NpyArray::from_f32({1, 69}, std::vector<float>(69, 0.0f)));
  motioncue::write_npz(dir / "bad.npz", params);
  const auto r = t::run_cli("body pose --params " + (dir / "bad.npz").string() + " --out " +
                            (dir / "o.npz").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("motioncue: error:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("pose"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "o.npz"));
  unsetenv("MOTIONCUE_CACHE");
}

// A --body value that is not a number used to surface as the C library's "stof".
TEST(BodyCli, BodyValuesThatAreNotFiniteNumbersNameTheOption) {
  t::TempDir dir;
  for (const std::string body : {"betas=x", "betas=nan", "left_knee=0,inf,0", "head=1,,2"}) {
    const auto r =
        t::run_cli("body render --body \"" + body + "\" --out " + (dir / "b.png").string());
    EXPECT_EQ(r.exit_code, 1) << body << ": " << r.output;
    EXPECT_NE(r.output.find("--body"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("stof"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "b.png")) << body;
  }
}

// A NaN view angle used to give a blank PNG and exit 0.
TEST(BodyCli, RenderRefusesNonFiniteViewsAndAbsurdSizes) {
  t::TempDir dir;
  for (const std::string args : {"--views nan", "--views 0,inf", "--size 0", "--size 100000"}) {
    const auto r = t::run_cli("body render " + args + " --out " + (dir / "v.png").string());
    EXPECT_NE(r.exit_code, 0) << args << ": " << r.output;
    EXPECT_NE(r.output.find(args.substr(0, args.find(' '))), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "v.png")) << args;
  }
}
