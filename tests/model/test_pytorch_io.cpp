#include <gtest/gtest.h>

#include <caffe2/serialize/inline_container.h>

#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../support/compact_network.h"
#include "../support/error_text.h"
#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/model/network.h"
#include "motioncue/model/pytorch_io.h"

namespace mm = motioncue::model;
using motioncue::testing::TempDir;

namespace {

const std::filesystem::path kFixtures = std::filesystem::path(MOTIONCUE_FIXTURES) / "model";

mm::PoseNetwork compact64_network() {
  return mm::PoseNetwork(motioncue::testing::compact64(), mm::InitialState::upright_default());
}

at::Tensor array(const motioncue::Npz& npz, const std::string& key) {
  const auto& a = npz.at(key);
  return torch::tensor(a.to_f32()).reshape(a.shape);
}

using motioncue::testing::message_of;

}  // namespace

TEST(PytorchImport, StateDictMapsEveryTensorAndReproducesPytorchOutputs) {
  auto net = compact64_network();
  const auto report = mm::import_pytorch_weights(kFixtures / "compact_hmr_state_dict.pt", net);
  const size_t expected = net.named_parameters().size() + net.named_buffers().size();
  EXPECT_EQ(report.matched.size(), expected);
  EXPECT_EQ(report.matched.size(), 85u);
  EXPECT_TRUE(report.missing.empty());
  EXPECT_TRUE(report.unexpected.empty());
  EXPECT_TRUE(report.misshaped.empty());

  // The file's tensors are strided views of one storage; the import must rebuild the views.
  auto stored = mm::read_pytorch_state_dict(kFixtures / "compact_hmr_state_dict.pt");
  std::map<std::string, at::Tensor> by_name(stored.begin(), stored.end());
  for (const auto& [name, t] : net.named_parameters())
    EXPECT_TRUE(torch::equal(t, by_name.at(name))) << name;
  EXPECT_EQ(by_name.at("layer1.0.bn1.num_batches_tracked").item<int64_t>(), 7);

  // The PyTorch forward pass (SPIN's hmr.py on the same weights) on the same images.
  const auto ref = motioncue::read_npz(kFixtures / "compact_hmr_reference.npz");
  net.set_train(false);
  auto p = net.forward(array(ref, "images"));
  // float32 through ~20 layers on another CPU (other SIMD kernels, other summation order): agree
  // to 1e-4 of each output's largest magnitude, the same rule as the TFJS reference checks.
  for (const auto& [name, mine] : {std::pair<const char*, at::Tensor>{"pose6d", p.pose6d},
                                   {"betas", p.betas},
                                   {"cam", p.cam},
                                   {"rotmats", p.rotmats}}) {
    const auto want = array(ref, name);
    const double scale = std::max(want.abs().max().item<double>(), 1e-6);
    const double error = (mine - want).abs().max().item<double>();
    EXPECT_LE(error / scale, 1e-4) << name << ": max abs error " << error << " of " << scale;
  }
  EXPECT_GT(p.pose6d.abs().max().item<double>(), 0.0);
}

TEST(PytorchImport, SpinCheckpointWithDataParallelPrefix) {
  auto a = compact64_network(), b = compact64_network();
  mm::import_pytorch_weights(kFixtures / "compact_hmr_state_dict.pt", a);
  auto report = mm::import_pytorch_weights(kFixtures / "compact_hmr_spin_checkpoint.pt", b);
  EXPECT_EQ(report.matched.size(), 85u);
  auto pa = a.named_parameters(), pb = b.named_parameters();
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i].second, pb[i].second));

  // Without prefix stripping nothing matches, and the error lists both sides.
  mm::ImportOptions keep;
  keep.strip_module_prefix = false;
  auto msg = message_of(
      [&] { mm::import_pytorch_weights(kFixtures / "compact_hmr_spin_checkpoint.pt", b, keep); });
  EXPECT_NE(msg.find("compact_hmr_spin_checkpoint.pt"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing from the file"), std::string::npos) << msg;
  EXPECT_NE(msg.find("module.conv1.weight"), std::string::npos) << msg;
  msg = message_of([&] {
    mm::read_pytorch_state_dict(kFixtures / "compact_hmr_spin_checkpoint.pt", "optimizer");
  });
  EXPECT_NE(msg.find("optimizer"), std::string::npos) << msg;
}

TEST(PytorchImport, WrongArchitectureNamesTheParameterAndChangesNothing) {
  mm::NetworkConfig c;
  c.backbone = "resnet18";
  c.resolution = 64;
  mm::PoseNetwork net(c, mm::InitialState::upright_default());
  auto before = net.named_parameters()[0].second.clone();
  auto msg =
      message_of([&] { mm::import_pytorch_weights(kFixtures / "compact_hmr_state_dict.pt", net); });
  EXPECT_NE(msg.find("compact_hmr_state_dict.pt"), std::string::npos) << msg;
  EXPECT_NE(msg.find("conv1.weight (file [32, 3, 5, 5], network [64, 3, 7, 7])"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("layer1.1.conv1.weight"), std::string::npos) << msg;  // missing
  EXPECT_TRUE(torch::equal(before, net.named_parameters()[0].second));
}

TEST(PytorchImport, NonCheckpointFilesAreReported) {
  TempDir dir;
  motioncue::write_file_atomic(dir / "junk.pt", std::string("this is not a zip archive"));
  auto net = compact64_network();
  auto msg = message_of([&] { mm::import_pytorch_weights(dir / "junk.pt", net); });
  EXPECT_NE(msg.find("junk.pt"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a PyTorch zip checkpoint"), std::string::npos) << msg;
  msg = message_of([&] { mm::import_pytorch_weights(dir / "absent.pt", net); });
  EXPECT_NE(msg.find("absent.pt"), std::string::npos) << msg;
  // A truncated archive.
  auto bytes = motioncue::read_file_bytes(kFixtures / "compact_hmr_state_dict.pt");
  bytes.resize(bytes.size() / 2);
  motioncue::write_file_atomic(dir / "half.pt", bytes);
  msg = message_of([&] { mm::import_pytorch_weights(dir / "half.pt", net); });
  EXPECT_NE(msg.find("half.pt"), std::string::npos) << msg;
}

// A .pt whose pickle calls a global no state dict holds (os.system with a shell command; an
// eval of a string): refused before anything is imported, naming the file and the global.
TEST(PytorchImport, APickleCallingADisallowedGlobalIsRefusedNamingTheFile) {
  TempDir dir;
  const std::string argument =
      std::string("X") + char(10) + std::string(3, '\0') + "echo pwned" + "\x85" + "R.";
  const std::vector<std::pair<std::string, std::string>> pickles = {{"os.system",
                                                                     "\x80\x02"
                                                                     "cos\nsystem\n" +
                                                                         argument},
                                                                    {"builtins.eval",
                                                                     "\x80\x04"
                                                                     "\x8c\x08"
                                                                     "builtins"
                                                                     "\x8c\x04"
                                                                     "eval"
                                                                     "\x93" +
                                                                         argument}};
  auto net = compact64_network();
  const auto before = net.named_parameters()[0].second.clone();
  for (const auto& [global, pickle] : pickles) {
    SCOPED_TRACE(global);
    const auto file = dir / "hostile.pt";
    {
      caffe2::serialize::PyTorchStreamWriter writer(file.string());
      writer.writeRecord("data.pkl", pickle.data(), pickle.size());
      writer.writeEndOfFile();
    }
    const auto msg = message_of([&] { mm::import_pytorch_weights(file, net); });
    EXPECT_EQ(msg.rfind(file.string() + ": ", 0), 0u) << msg;
    EXPECT_NE(msg.find(global), std::string::npos) << msg;
  }
  EXPECT_TRUE(torch::equal(before, net.named_parameters()[0].second));
}

TEST(PytorchExport, WritesADictThatReadsBackExactly) {
  TempDir dir;
  torch::manual_seed(4);
  auto net = compact64_network();
  mm::export_pytorch_weights(dir / "out.pt", net);
  // Read back by this module's reader and by LibTorch's own unpickler (torch.load's format).
  auto back = mm::read_pytorch_state_dict(dir / "out.pt");
  EXPECT_EQ(back.size(), 85u);
  auto fresh = compact64_network();
  mm::import_pytorch_weights(dir / "out.pt", fresh);
  auto a = net.named_parameters(), b = fresh.named_parameters();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i].second, b[i].second));
  const auto bytes = motioncue::read_file_bytes(dir / "out.pt");
  auto iv = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  ASSERT_TRUE(iv.isGenericDict());
  EXPECT_EQ(iv.toGenericDict().size(), 85u);
}
