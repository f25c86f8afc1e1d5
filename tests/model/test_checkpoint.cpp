#include <gtest/gtest.h>

#include <caffe2/serialize/inline_container.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "../support/compact_network.h"
#include "../support/error_text.h"
#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/hash.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"

namespace mm = motioncue::model;
using motioncue::testing::TempDir;

namespace {

using motioncue::testing::compact64;

// One Adam step on a fixed batch with dropout and BatchNorm in training mode, so the step
// consumes the default generator (dropout masks).
void train_step(mm::PoseNetwork& net, torch::optim::Adam& adam, const at::Tensor& images,
                const at::Tensor& target) {
  net.set_train(true);
  adam.zero_grad();
  auto p = net.forward(images);
  auto loss = (torch::cat({p.pose6d, p.betas, p.cam}, 1) - target).pow(2).mean();
  loss.backward();
  adam.step();
}

using motioncue::testing::message_of;

}  // namespace

TEST(Checkpoint, RoundTripGivesIdenticalOutputsAndMeta) {
  TempDir dir;
  torch::manual_seed(3);
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  net.set_train(true);
  net.forward(torch::randn({4, 3, 64, 64}));  // move the BatchNorm statistics off their init
  net.set_train(false);
  const auto file = dir / "ckpt.pt";
  mm::save_checkpoint(file, net, {{"step", 17}, {"body_model_hash", "abc"}});
  EXPECT_TRUE(std::filesystem::exists(mm::checkpoint_sidecar(file)));

  auto loaded = mm::load_checkpoint(file, "abc");
  EXPECT_EQ(loaded.meta["step"], 17);
  EXPECT_FALSE(loaded.has_optimizer);
  EXPECT_EQ(loaded.network->config().backbone, "compact");
  EXPECT_EQ(loaded.network->config().resolution, 64);
  auto x = torch::randn({2, 3, 64, 64});
  auto a = net.forward(x), b = loaded.network->forward(x);
  EXPECT_TRUE(torch::equal(a.pose6d, b.pose6d));
  EXPECT_TRUE(torch::equal(a.betas, b.betas));
  EXPECT_TRUE(torch::equal(a.cam, b.cam));
}

TEST(Checkpoint, ResumeIsBitIdenticalToTrainingStraightThrough) {
  TempDir dir;
  torch::manual_seed(11);
  auto images = torch::randn({4, 3, 64, 64});
  auto target = torch::randn({4, mm::kStateDim}) * 0.3;

  torch::manual_seed(5);
  mm::PoseNetwork straight(compact64(), mm::InitialState::upright_default());
  torch::optim::Adam adam(straight.parameters(), torch::optim::AdamOptions(1e-3));
  for (int i = 0; i < 3; ++i) train_step(straight, adam, images, target);
  const auto file = dir / "step3.pt";
  mm::save_checkpoint(file, straight, {{"step", 3}}, &adam);
  for (int i = 0; i < 2; ++i) train_step(straight, adam, images, target);

  torch::manual_seed(999);  // a different generator state, which the checkpoint must replace
  auto resumed = mm::load_checkpoint(file);
  ASSERT_TRUE(resumed.has_optimizer);
  torch::optim::Adam adam2(resumed.network->parameters(), torch::optim::AdamOptions(1e-3));
  mm::load_optimizer_state(file, adam2);
  mm::restore_rng_state(file);
  for (int i = 0; i < 2; ++i) train_step(*resumed.network, adam2, images, target);

  auto a = straight.named_parameters(), b = resumed.network->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
  auto ab = straight.named_buffers(), bb = resumed.network->named_buffers();
  for (size_t i = 0; i < ab.size(); ++i)
    EXPECT_TRUE(torch::equal(ab[i].second, bb[i].second)) << ab[i].first;
}

TEST(Checkpoint, CorruptArchiveIsReportedWithTheFile) {
  TempDir dir;
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  const auto file = dir / "c.pt";
  mm::save_checkpoint(file, net, {});
  auto bytes = motioncue::read_file_bytes(file);
  bytes[bytes.size() / 2] ^= 0xff;
  motioncue::write_file_atomic(file, bytes);
  auto msg = message_of([&] { mm::load_checkpoint(file); });
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("corrupt"), std::string::npos) << msg;

  bytes.resize(100);
  motioncue::write_file_atomic(file, bytes);
  msg = message_of([&] { mm::load_checkpoint(file); });
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
}

TEST(Checkpoint, MissingOrBrokenSidecarIsReported) {
  TempDir dir;
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  const auto file = dir / "s.pt";
  mm::save_checkpoint(file, net, {});
  motioncue::write_file_atomic(mm::checkpoint_sidecar(file), std::string("{not json"));
  auto msg = message_of([&] { mm::load_checkpoint(file); });
  EXPECT_NE(msg.find("s.pt.json"), std::string::npos) << msg;
  std::filesystem::remove(mm::checkpoint_sidecar(file));
  msg = message_of([&] { mm::load_checkpoint(file); });
  EXPECT_NE(msg.find("sidecar"), std::string::npos) << msg;
  msg = message_of([&] { mm::load_checkpoint(dir / "absent.pt"); });
  EXPECT_NE(msg.find("absent.pt"), std::string::npos) << msg;
}

// A sidecar is a file a user can edit: a field of the wrong JSON type is a motioncue Error naming
// the sidecar and the field, never nlohmann's type_error.
TEST(Checkpoint, SidecarFieldsOfTheWrongTypeNameTheField) {
  TempDir dir;
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  const auto file = dir / "t.pt";
  mm::save_checkpoint(file, net, {{"body_model_hash", "aaaa"}});
  const auto good = nlohmann::json::parse(motioncue::read_file_text(mm::checkpoint_sidecar(file)));
  const std::vector<std::pair<nlohmann::json::json_pointer, nlohmann::json>> edits = {
      {nlohmann::json::json_pointer("/format"), 7},
      {nlohmann::json::json_pointer("/version"), "1"},
      {nlohmann::json::json_pointer("/has_optimizer"), "yes"},
      {nlohmann::json::json_pointer("/meta"), nlohmann::json::array()},
      {nlohmann::json::json_pointer("/meta/body_model_hash"), 12},
      {nlohmann::json::json_pointer("/archive"), "x"},
      {nlohmann::json::json_pointer("/archive/fnv1a64"), 5}};
  for (const auto& [where, value] : edits) {
    auto sidecar = good;
    sidecar[where] = value;
    motioncue::write_file_atomic(mm::checkpoint_sidecar(file), sidecar.dump());
    const auto msg = message_of([&] {
      mm::load_checkpoint(file, "aaaa");
      torch::optim::Adam adam(net.parameters());
      mm::load_optimizer_state(file, adam);
    });
    EXPECT_NE(msg.find("t.pt.json"), std::string::npos) << where << ": " << msg;
    const auto field = where.back();
    EXPECT_NE(msg.find(field), std::string::npos) << where << ": " << msg;
  }
}

// Sidecar version 1 recorded the archive's checksum from a mistyped FNV-1a offset basis; such
// checkpoints still load, and a version-2 record must hold FNV-1a proper.
TEST(Checkpoint, Version1SidecarsWithTheLegacyChecksumStillLoad) {
  TempDir dir;
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  const auto file = dir / "v1.pt";
  mm::save_checkpoint(file, net, {{"step", 3}});
  const auto bytes = motioncue::read_file_bytes(file);
  auto sidecar = nlohmann::json::parse(motioncue::read_file_text(mm::checkpoint_sidecar(file)));
  EXPECT_EQ(sidecar["version"], 2);
  EXPECT_EQ(sidecar["archive"]["fnv1a64"], motioncue::fnv1a64_hex(bytes));
  sidecar["version"] = 1;
  sidecar["archive"].erase("hash");
  sidecar["archive"]["fnv1a64"] = motioncue::legacy_checkpoint_checksum_hex(bytes);
  motioncue::write_file_atomic(mm::checkpoint_sidecar(file), sidecar.dump());
  const auto loaded = mm::load_checkpoint(file);
  EXPECT_EQ(loaded.meta["step"], 3);
  // The legacy checksum under a record that claims FNV-1a is a mismatch.
  sidecar["archive"]["hash"] = "fnv1a64";
  motioncue::write_file_atomic(mm::checkpoint_sidecar(file), sidecar.dump());
  const auto msg = message_of([&] { mm::load_checkpoint(file); });
  EXPECT_NE(msg.find("does not match its sidecar"), std::string::npos) << msg;
}

TEST(Checkpoint, MismatchedArchitectureNamesTheParameter) {
  TempDir dir;
  mm::PoseNetwork compact(compact64(), mm::InitialState::upright_default());
  const auto file = dir / "m.pt";
  mm::save_checkpoint(file, compact, {});
  mm::NetworkConfig other = compact64();
  other.backbone = "resnet18";
  mm::PoseNetwork resnet(other, mm::InitialState::upright_default());
  auto msg = message_of([&] { mm::load_weights(file, resnet); });
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("conv1.weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing: layer1.1.conv1.weight"), std::string::npos) << msg;
}

TEST(Checkpoint, BodyModelHashMismatchIsRefused) {
  TempDir dir;
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  const auto file = dir / "h.pt";
  mm::save_checkpoint(file, net, {{"body_model_hash", "aaaa"}});
  auto msg = message_of([&] { mm::load_checkpoint(file, "bbbb"); });
  EXPECT_NE(msg.find("body model"), std::string::npos) << msg;
  EXPECT_NE(msg.find("aaaa"), std::string::npos) << msg;
  EXPECT_NO_THROW(mm::load_checkpoint(file, "aaaa"));
  EXPECT_NO_THROW(mm::load_checkpoint(file));
}

TEST(Checkpoint, OptimizerStateAbsentIsReported) {
  TempDir dir;
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  const auto file = dir / "o.pt";
  mm::save_checkpoint(file, net, {});
  torch::optim::Adam adam(net.parameters());
  EXPECT_THROW(mm::load_optimizer_state(file, adam), motioncue::Error);
}

namespace {

// Writes `bad`: the archive of the checkpoint `good` with each record passed through `edit`
// (name, bytes) -> bytes, and a sidecar whose checksum matches it (what a careless or hostile
// writer produces), so that only the archive's own checks stand between it and LibTorch.
void rewrite_checkpoint(
    const std::filesystem::path& good, const std::filesystem::path& bad,
    const std::function<std::string(const std::string&, const std::string&)>& edit) {
  caffe2::serialize::PyTorchStreamReader reader(good.string());
  {
    caffe2::serialize::PyTorchStreamWriter writer(bad.string());
    for (const auto& name : reader.getAllRecords()) {
      if (name == ".data/version" || name == "version") continue;  // the writer adds its own
      const auto [data, size] = reader.getRecord(name);
      const std::string bytes = edit(name, std::string(static_cast<const char*>(data.get()), size));
      writer.writeRecord(name, bytes.data(), bytes.size());
    }
    writer.writeEndOfFile();
  }
  auto sidecar = nlohmann::json::parse(motioncue::read_file_text(mm::checkpoint_sidecar(good)));
  const auto bytes = motioncue::read_file_bytes(bad);
  sidecar["archive"]["fnv1a64"] = motioncue::fnv1a64_hex(bytes);
  sidecar["archive"]["bytes"] = bytes.size();
  sidecar["archive"]["file"] = bad.filename().string();
  std::ofstream(mm::checkpoint_sidecar(bad)) << sidecar.dump();
}

}  // namespace

// A checkpoint whose largest tensor record is cut to half its declared length: LibTorch's reader
// would read the weights past the record's end; the checkpoint is refused, naming the file.
TEST(Checkpoint, ATensorRecordShorterThanItsShapeIsRefused) {
  TempDir dir;
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  const auto good = dir / "good.pt";
  mm::save_checkpoint(good, net, {{"body_model_hash", "abc"}});

  caffe2::serialize::PyTorchStreamReader reader(good.string());
  std::string largest;
  size_t largest_size = 0;
  for (const auto& name : reader.getAllRecords()) {
    const auto [data, size] = reader.getRecord(name);
    if (name.rfind("data/", 0) == 0 && size > largest_size) largest = name, largest_size = size;
  }
  ASSERT_GT(largest_size, 16u);
  const auto bad = dir / "bad.pt";
  rewrite_checkpoint(good, bad, [&](const std::string& name, const std::string& bytes) {
    return name == largest ? bytes.substr(0, bytes.size() / 2) : bytes;
  });

  const auto msg = message_of([&] { mm::load_checkpoint(bad, "abc"); });
  EXPECT_NE(msg.find(bad.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("shorter"), std::string::npos) << msg;
  EXPECT_EQ(message_of([&] { mm::load_checkpoint(good, "abc"); }), "no error");
}

// A checkpoint whose pickle calls os.system (what a hostile file does to run a command when it is
// loaded): LibTorch's TorchScript reader refused it with an error of its own that named no file
// ("Unknown type name 'os.system'" over two lines); the archive check refuses it first, naming
// the file and the global, in the protocol-2 form (GLOBAL) and the protocol-4 form (STACK_GLOBAL).
TEST(Checkpoint, APickleCallingADisallowedGlobalIsRefusedNamingTheFile) {
  TempDir dir;
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  const auto good = dir / "good.pt";
  mm::save_checkpoint(good, net, {{"body_model_hash", "abc"}});
  const std::string command = "echo pwned";
  const std::string argument =
      std::string("X") + char(command.size()) + std::string(3, '\0') + command + "\x85" + "R.";
  const std::vector<std::pair<std::string, std::string>> pickles = {{"global",
                                                                     "\x80\x02"
                                                                     "cos\nsystem\n" +
                                                                         argument},
                                                                    {"stack_global",
                                                                     "\x80\x04"
                                                                     "\x8c\x02"
                                                                     "os"
                                                                     "\x8c\x06"
                                                                     "system"
                                                                     "\x93" +
                                                                         argument}};
  for (const auto& [name, pickle] : pickles) {
    SCOPED_TRACE(name);
    const auto bad = dir / (name + ".pt");
    rewrite_checkpoint(good, bad, [&](const std::string& record, const std::string& bytes) {
      return record == "data.pkl" ? pickle : bytes;
    });
    const auto msg = message_of([&] { mm::load_checkpoint(bad, "abc"); });
    EXPECT_EQ(msg.rfind(bad.string() + ": ", 0), 0u) << msg;
    EXPECT_NE(msg.find("os.system"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

// NaN weights used to pass infer (JSON of nulls, a BVH of "nan"); every verb loads through here.
TEST(Checkpoint, NonFiniteWeightsAreRefusedNamingTheParameter) {
  TempDir dir;
  mm::PoseNetwork net(compact64(), mm::InitialState::upright_default());
  {
    torch::NoGradGuard no_grad;
    net.named_parameters().back().second.view(-1)[0] = NAN;
  }
  const auto file = dir / "nan.pt";
  mm::save_checkpoint(file, net, {{"body_model_hash", "abc"}});
  const auto msg = message_of([&] { mm::load_checkpoint(file, "abc"); });
  EXPECT_NE(msg.find("non-finite"), std::string::npos) << msg;
  EXPECT_NE(msg.find(net.named_parameters().back().first), std::string::npos) << msg;
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
}
