// The runner against TensorFlow.js itself: the real MoveNet and BlazePose models, run by
// @tensorflow/tfjs 4.22.0 (CPU backend) on the fixture image, node by node
// The models come from the user cache (scripts/fetch_models); where they are absent the test
// skips, unless MOTIONCUE_REQUIRE_MODELS=1 (CI), where their absence fails it.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <numeric>
#include <string>

#include "../support/pretrained_models.h"
#include "motioncue/core/error.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/npy.h"
#include "motioncue/vision/model_store.h"
#include "motioncue/vision/tfjs_graph.h"
#include "synthetic_person.h"

namespace {

namespace fs = std::filesystem;

torch::Tensor to_tensor(const motioncue::NpyArray& a) {
  if (a.dtype == motioncue::DType::kI32) {
    const auto v = a.to_i64();
    return torch::tensor(v, torch::kLong).reshape(a.shape).to(torch::kInt);
  }
  return torch::tensor(a.to_f32(), torch::kFloat).reshape(a.shape);
}

enum class Input { kInt0To255, kFloat0To1 };

// The sums of the fixture image's int32 values, per size: a changed formula fails here first.
std::int64_t fixture_image_sum(int size) {
  switch (size) {
    case 192:
      return 12354700;
    case 224:
      return 16815643;
    case 256:
      return 21964805;
    default:
      ADD_FAILURE() << "no fixture image of size " << size;
      return -1;
  }
}

void expect_matches_tfjs(const std::string& name, int size, Input kind) {
  MOTIONCUE_PRETRAINED_MODEL(model_file, name);
  const fs::path fixtures = fs::path(MOTIONCUE_FIXTURES) / "vision" / name;
  const auto index = motioncue::read_json_file(fixtures / "index.json");

  const auto pixels = motioncue::testing::synthetic_person_image(size);
  const auto values =
      torch::tensor(std::vector<std::int32_t>(pixels), torch::kInt).reshape({1, size, size, 3});
  ASSERT_EQ(values.sum().item<std::int64_t>(), fixture_image_sum(size)) << "fixture image differs";
  // BlazePose takes v / 255 as the correctly rounded float32 quotient, like the fixtures.
  const auto input = kind == Input::kInt0To255 ? values : values.to(torch::kFloat).div(255.0);

  std::vector<std::string> nodes;
  for (const auto& [node, entry] : index["nodes"].items()) nodes.push_back(node);
  motioncue::vision::TfjsGraph graph(motioncue::vision::load_tfjs_model(model_file));
  const auto outputs = graph.run({input}, nodes);
  ASSERT_EQ(outputs.size(), nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto reference = to_tensor(
        motioncue::read_npy(fixtures / index["nodes"][nodes[i]]["file"].get<std::string>()));
    ASSERT_EQ(outputs[i].sizes(), reference.sizes()) << nodes[i];
    if (reference.scalar_type() == torch::kInt) {
      EXPECT_TRUE(torch::equal(outputs[i].to(torch::kInt), reference)) << nodes[i];
      continue;
    }
    // 1e-4 of the tensor's largest magnitude: float32 sums in another order, nothing more.
    const double scale = std::max(reference.abs().max().item<double>(), 1e-6);
    const double error = (outputs[i].to(torch::kFloat) - reference).abs().max().item<double>();
    EXPECT_LE(error / scale, 1e-4) << nodes[i] << ": max abs error " << error << " of " << scale;
  }
}

}  // namespace

TEST(TfjsReference, MoveNetLightningMatchesTfjsNodeByNode) {
  expect_matches_tfjs("movenet-lightning", 192, Input::kInt0To255);
}

TEST(TfjsReference, MoveNetThunderMatchesTfjsNodeByNode) {
  expect_matches_tfjs("movenet-thunder", 256, Input::kInt0To255);
}

// TopKV2's indices, Select and the box decoding: the person detector that infer uses.
TEST(TfjsReference, MoveNetMultiposeMatchesTfjsNodeByNode) {
  expect_matches_tfjs("movenet-multipose", 256, Input::kInt0To255);
}

TEST(TfjsReference, BlazePoseFullMatchesTfjsNodeByNode) {
  expect_matches_tfjs("blazepose-full", 256, Input::kFloat0To1);
}

TEST(TfjsReference, BlazePoseDetectorMatchesTfjsNodeByNode) {
  expect_matches_tfjs("blazepose-detector", 224, Input::kFloat0To1);
}
