// The bring-your-own workflow from the command line: a PyTorch checkpoint in SPIN's layout becomes
// a motioncue checkpoint the other verbs accept (and goes back out as a state dict torch.load
// reads), and one's own frames become sequences the refinement takes.
#include <gtest/gtest.h>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../body/model_files.h"
#include "../support/cli_fixtures.h"
#include "../support/compact_network.h"
#include "../support/run_cli.h"
#include "../support/temp_dir.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/npz.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/pytorch_io.h"

namespace {

using motioncue::testing::output_lines;
using motioncue::testing::run_cli;
namespace fs = std::filesystem;
namespace mm = motioncue::model;

const fs::path kSpinFixture =
    fs::path(MOTIONCUE_FIXTURES) / "model" / "compact_hmr_spin_checkpoint.pt";

std::map<std::string, at::Tensor> tensors_of(const mm::PoseNetwork& network) {
  std::map<std::string, at::Tensor> out;
  for (const auto& named : {network.named_parameters(), network.named_buffers()})
    for (const auto& [name, t] : named) out[name] = t;
  return out;
}

}  // namespace

// SPIN's layout ({"model": state dict} with DataParallel's "module." prefix) imports whole and
// eval takes the result; a trained checkpoint exported and imported again keeps its weights to
// the bit, and refine starts from it.
TEST(CliWorkflow, ImportEvalExportRefineRoundTrip) {
  motioncue::testing::TempDir tmp;
  const auto ckpt = tmp / "spin.ckpt";
  const auto imported = run_cli("import --pytorch " + kSpinFixture.string() +
                                " --backbone compact --resolution 64 --out " + ckpt.string());
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_NE(imported.output.find("imported 85 tensors"), std::string::npos) << imported.output;
  const auto loaded = mm::load_checkpoint(ckpt);
  EXPECT_EQ(loaded.meta["kind"], "imported");
  EXPECT_EQ(loaded.meta["import"]["matched"], 85);
  const auto spin = tensors_of(*loaded.network);
  for (const auto& [name, t] : mm::read_pytorch_state_dict(kSpinFixture)) {
    const std::string key = name.substr(std::string("module.").size());
    ASSERT_TRUE(spin.count(key)) << key;
    EXPECT_TRUE(torch::equal(spin.at(key), t.to(spin.at(key).dtype()))) << key;
  }
  const auto data = motioncue::testing::tiny_benchmark().string();
  const auto eval = run_cli("eval --checkpoint " + ckpt.string() + " --data " + data +
                            " --split val --out " + (tmp / "val.json").string());
  EXPECT_EQ(eval.exit_code, 0) << eval.output;

  const auto trained = motioncue::testing::trained_checkpoint();
  const auto pt = tmp / "trained.pt";
  const auto exported = run_cli("export --pytorch " + trained.string() + " --out " + pt.string());
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const auto resolution = std::to_string(mm::load_checkpoint(trained).network->config().resolution);
  const auto again = tmp / "again.ckpt";
  const auto back =
      run_cli("import --pytorch " + pt.string() + " --backbone compact --resolution " + resolution +
              " --out " + again.string());
  ASSERT_EQ(back.exit_code, 0) << back.output;
  const auto want = tensors_of(*mm::load_checkpoint(trained).network);
  const auto got = tensors_of(*mm::load_checkpoint(again).network);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [name, t] : want) EXPECT_TRUE(torch::equal(got.at(name), t)) << name;
  const auto refined = run_cli("refine --init " + again.string() + " --data " + data + " --out " +
                               (tmp / "refined").string() + motioncue::testing::quick("refine"));
  EXPECT_EQ(refined.exit_code, 0) << refined.output;
}

// Wrong architecture, a missing file, an existing output, a non-finite weight: one line naming the
// file (and the tensor), a non-zero exit, and no checkpoint written.
TEST(CliWorkflow, ImportAndExportRefuseBadInputClearly) {
  motioncue::testing::TempDir tmp;
  const auto out = tmp / "x.ckpt";
  const auto wrong = run_cli("import --pytorch " + kSpinFixture.string() +
                             " --backbone resnet18 --resolution 64 --out " + out.string());
  EXPECT_NE(wrong.exit_code, 0) << wrong.output;
  EXPECT_NE(wrong.output.find(kSpinFixture.string()), std::string::npos) << wrong.output;
  EXPECT_NE(wrong.output.find("do not fit the resnet18 network"), std::string::npos)
      << wrong.output;
  EXPECT_EQ(output_lines(wrong.output), 1) << wrong.output;
  EXPECT_FALSE(fs::exists(out));

  const auto missing = run_cli("import --pytorch " + (tmp / "none.pt").string() +
                               " --backbone compact --resolution 64 --out " + out.string());
  EXPECT_NE(missing.exit_code, 0) << missing.output;
  EXPECT_NE(missing.output.find("none.pt"), std::string::npos) << missing.output;
  EXPECT_FALSE(fs::exists(out));

  // A state dict with one NaN weight.
  mm::PoseNetwork net(motioncue::testing::compact64(), mm::InitialState::upright_default());
  {
    torch::NoGradGuard no_grad;
    net.named_parameters().front().second.view(-1)[0] = std::nan("");
  }
  const auto nan_pt = tmp / "nan.pt";
  mm::export_pytorch_weights(nan_pt, net);
  const auto nan = run_cli("import --pytorch " + nan_pt.string() +
                           " --backbone compact --resolution 64 --out " + out.string());
  EXPECT_NE(nan.exit_code, 0) << nan.output;
  EXPECT_NE(nan.output.find("non-finite"), std::string::npos) << nan.output;
  EXPECT_NE(nan.output.find(net.named_parameters().front().first), std::string::npos) << nan.output;
  EXPECT_FALSE(fs::exists(out));

  ASSERT_EQ(run_cli("import --pytorch " + kSpinFixture.string() +
                    " --backbone compact --resolution 64 --out " + out.string())
                .exit_code,
            0);
  const std::string before = motioncue::read_file_text(mm::checkpoint_sidecar(out));
  const auto twice = run_cli("import --pytorch " + kSpinFixture.string() +
                             " --backbone compact --resolution 64 --out " + out.string());
  EXPECT_NE(twice.exit_code, 0) << twice.output;
  EXPECT_NE(twice.output.find("exists"), std::string::npos) << twice.output;
  EXPECT_EQ(motioncue::read_file_text(mm::checkpoint_sidecar(out)), before);

  const auto taken = tmp / "taken.pt";
  motioncue::write_file_atomic(taken, std::string("keep"));
  const auto over = run_cli("export --pytorch " + out.string() + " --out " + taken.string());
  EXPECT_NE(over.exit_code, 0) << over.output;
  EXPECT_EQ(motioncue::read_file_text(taken), "keep");
}

// A folder of frames from one's own camera (here the tiny benchmark's rendered test frames) goes
// through `video prepare` into sequences that `refine` takes as its unlabeled split.
TEST(CliWorkflow, PreparedVideoIsRefinedOn) {
  motioncue::testing::TempDir tmp;
  const auto data = motioncue::testing::tiny_benchmark();
  fs::path frames;
  for (const auto& e : fs::directory_iterator(data / "test"))
    if (fs::is_directory(e.path() / "frames")) frames = e.path() / "frames";
  ASSERT_FALSE(frames.empty());
  const auto prepared = tmp / "mine";
  const auto prep = run_cli("video prepare " + frames.string() + " --out " + prepared.string() +
                            " --boxes full --min-length 4");
  ASSERT_EQ(prep.exit_code, 0) << prep.output;
  EXPECT_NE(prep.output.find("1 sequences"), std::string::npos) << prep.output;
  EXPECT_TRUE(fs::exists(prepared / "contact_sheet.png"));
  const auto again = run_cli("video prepare " + frames.string() + " --out " + prepared.string() +
                             " --boxes full --min-length 4");
  EXPECT_NE(again.exit_code, 0) << again.output;
  EXPECT_EQ(output_lines(again.output), 1) << again.output;

  const auto refined = run_cli(
      "refine --init " + motioncue::testing::trained_checkpoint().string() + " --data " +
      data.string() + " --out " + (tmp / "refined").string() + motioncue::testing::quick("refine") +
      " --set refine.flow=dis-medium --set refine.unlabeled_split=" +
      fs::absolute(prepared).string());
  ASSERT_EQ(refined.exit_code, 0) << refined.output;
  EXPECT_NE(refined.output.find(prepared.string()), std::string::npos) << refined.output;
}

namespace {

// The real clip of ../shared/real when it is there (docs/WORKFLOW.md's own example), else a video
// file written from the tiny benchmark's rendered test frames.
fs::path raw_video(const fs::path& tmp) {
  const fs::path real = fs::path(MOTIONCUE_FIXTURES) / ".." / ".." / ".." / "shared" / "real" /
                        "posetrack18_000001" / "000001_mpiinew_test.mp4";
  if (fs::is_regular_file(real)) return real;
  fs::path frames;
  for (const auto& e : fs::directory_iterator(motioncue::testing::tiny_benchmark() / "test"))
    if (fs::is_directory(e.path() / "frames")) frames = e.path() / "frames";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(frames)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  const fs::path video = tmp / "own.avi";
  const cv::Mat first = cv::imread(files.front().string());
  cv::VideoWriter writer(video.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25,
                         first.size());
  EXPECT_TRUE(writer.isOpened());
  for (const auto& f : files) writer.write(cv::imread(f.string()));
  return video;
}

}  // namespace

// docs/WORKFLOW.md end to end on stand-ins for the licensed files: SMPL-layout bodies (neutral,
// male, female; random geometry in SMPL's exact layout) with a SPIN-style extra keypoint
// regressor, a SPIN-layout checkpoint and a raw video file in; a refined checkpoint, its score
// under two published protocols (on SPIN-layout archives made from the labeled split, with a
// stand-in Human3.6M regressor) and the inference outputs of the same video out.
TEST(CliWorkflow, SpinCheckpointAndRawVideoToRefinedScoredAndInferred) {
  motioncue::testing::TempDir tmp;
  const auto data = motioncue::testing::tiny_benchmark();
  std::map<std::string, fs::path> smpl;
  for (const auto& [name, seed] : {std::pair{"NEUTRAL", 1}, {"MALE", 2}, {"FEMALE", 3}}) {
    smpl[name] = tmp / ("SMPL_" + std::string(name) + ".npz");
    motioncue::write_npz(smpl[name], motioncue::testing::smpl_layout_model(seed), false);
  }
  const auto extra = tmp / "J_regressor_extra.npy";
  motioncue::write_npy(
      extra, motioncue::testing::f64_array(torch::rand({9, 6890}, torch::kDouble) / 6890.0));
  const std::string body =
      " --body-model " + smpl["NEUTRAL"].string() + " --keypoint-regressor " + extra.string();
  const auto base = tmp / "base.ckpt";
  const auto imported =
      run_cli("import --pytorch " + kSpinFixture.string() +
              " --backbone compact --resolution 64 --out " + base.string() + body);
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  const fs::path video = raw_video(tmp.path());
  const auto prepared = tmp / "videos";
  const auto prep = run_cli("video prepare " + video.string() + " --out " + prepared.string() +
                            " --boxes full --min-length 4");
  ASSERT_EQ(prep.exit_code, 0) << prep.output;

  const int64_t vertices = 6890;
  const at::Tensor regressor = torch::rand({17, vertices});
  const at::Tensor normalised = (regressor / regressor.sum(1, true)).contiguous();
  motioncue::write_npy(
      tmp / "J_regressor_h36m.npy",
      motioncue::NpyArray::from_f32(
          {17, vertices}, std::vector<float>(normalised.data_ptr<float>(),
                                             normalised.data_ptr<float>() + normalised.numel())));
  const auto archive = data / "labeled" / "annotations.npz";
  // Model selection on a SPIN-layout archive under a protocol, as a user without validation
  // videos does (here the labeled archive itself; a user holds out images of their own).
  const auto refined = tmp / "refined";
  const auto refine =
      run_cli("refine --init " + base.string() + " --data " + data.string() + " --out " +
              refined.string() + motioncue::testing::quick("refine") +
              " --set refine.flow=dis-medium --set refine.unlabeled_split=" +
              fs::absolute(prepared).string() +
              " --set validation.split=" + fs::absolute(archive).string() +
              " --set validation.protocol=h36m-p1 --set validation.h36m_regressor=" +
              fs::absolute(tmp / "J_regressor_h36m.npy").string() + " --set body_model=" +
              smpl["NEUTRAL"].string() + " --set keypoint_regressor=" + extra.string());
  ASSERT_EQ(refine.exit_code, 0) << refine.output;
  EXPECT_NE(refine.output.find("validation PA-MPJPE"), std::string::npos) << refine.output;
  ASSERT_TRUE(fs::is_regular_file(refined / "best.ckpt"));

  // 3DPW's archive carries genders: the labeled one with a gender per row, its images in place.
  motioncue::Npz with_gender = motioncue::read_npz(archive);
  const int64_t rows = with_gender.at("imgname").shape[0];
  std::vector<std::string> genders;
  for (int64_t i = 0; i < rows; ++i) genders.push_back(i % 2 ? "f" : "m");
  with_gender.set("gender", motioncue::NpyArray::from_strings({rows}, genders));
  motioncue::write_npz(tmp / "3dpw_test.npz", with_gender);
  for (const std::string protocol : {"h36m-p1", "3dpw"}) {
    const auto out = tmp / (protocol + ".json");
    const auto test = protocol == "3dpw" ? tmp / "3dpw_test.npz" : archive;
    const auto eval = run_cli("eval --protocol " + protocol + " --checkpoint " +
                              (refined / "best.ckpt").string() + " --data " + test.string() +
                              " --images " + archive.parent_path().string() + " --h36m-regressor " +
                              (tmp / "J_regressor_h36m.npy").string() + " --out " + out.string() +
                              body + " --body-male " + smpl["MALE"].string() + " --body-female " +
                              smpl["FEMALE"].string());
    ASSERT_EQ(eval.exit_code, 0) << eval.output;
    EXPECT_NE(eval.output.find("PA-MPJPE"), std::string::npos) << eval.output;
    const auto result = nlohmann::json::parse(motioncue::read_file_text(out));
    EXPECT_EQ(result["protocol"], protocol);
    EXPECT_GT(result["frames"].get<int>(), 0);
    EXPECT_GT(result["mpjpe_mm"].get<double>(), 0.0);
    EXPECT_EQ(result.contains("pve_mm"), protocol == "3dpw");
  }

  const auto inferred = tmp / "inferred";
  const auto infer =
      run_cli("infer " + video.string() + " --checkpoint " + (refined / "best.ckpt").string() +
              " --boxes full --overlay none --out " + inferred.string() + body);
  ASSERT_EQ(infer.exit_code, 0) << infer.output;
  ASSERT_TRUE(fs::is_directory(inferred / "frames")) << infer.output;
  EXPECT_FALSE(fs::is_empty(inferred / "frames"));
}
