// The TFJS graph-model reader and runner on small hand-made models: weight decoding (quantized,
// float16, across shards), TensorFlow's conventions (SAME padding, NHWC axes at the edges), and a
// clear error for every malformed part.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>
#include <string>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npy.h"
#include "motioncue/vision/tfjs_graph.h"
#include "motioncue/vision/tfjs_model.h"

namespace {

using motioncue::Error;
using motioncue::vision::parse_tfjs_model;
using motioncue::vision::TfjsGraph;
using Shards = std::map<std::string, std::vector<std::uint8_t>>;

std::vector<std::uint8_t> floats(const std::vector<float>& v) {
  std::vector<std::uint8_t> out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

std::vector<std::uint8_t> ints(const std::vector<std::int32_t>& v) {
  std::vector<std::uint8_t> out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

// base64 of a plain string, as the converter stores string attributes.
std::string b64(const std::string& s) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    const unsigned v =
        (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8 | (unsigned char)s[i + 2];
    for (int k = 18; k >= 0; k -= 6) out += table[(v >> k) & 63];
  }
  if (i + 1 == s.size()) {
    const unsigned v = (unsigned char)s[i] << 16;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == s.size()) {
    const unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += "=";
  }
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

const std::string kPlaceholder =
    R"({"name": "image", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"},
        "shape": {"shape": {"dim": [{"size": "1"}, {"size": "4"}, {"size": "4"}, {"size": "1"}]}}}})";

// image [1,4,4,1] -> 3x3 conv of ones (SAME, stride 2) -> + bias 0.5 -> Relu6
std::string conv_model(const std::string& padding) {
  return R"({"format": "graph-model", "modelTopology": {"node": [)" + kPlaceholder + R"(,
      {"name": "filter", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}}},
      {"name": "bias", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}}},
      {"name": "conv", "op": "_FusedConv2D", "input": ["image", "filter", "bias"],
       "attr": {"padding": {"s": ")" +
         b64(padding) + R"("}, "strides": {"list": {"i": ["1", "2", "2", "1"]}},
                "data_format": {"s": ")" +
         b64("NHWC") + R"("}, "fused_ops": {"list": {"s": [")" + b64("BiasAdd") + R"(", ")" +
         b64("Relu6") + R"("]}},
                "num_args": {"i": "1"}}},
      {"name": "out", "op": "Identity", "input": ["conv"]}]},
    "weightsManifest": [{"paths": ["a.bin", "b.bin"], "weights": [
      {"name": "filter", "shape": [3, 3, 1, 1], "dtype": "float32"},
      {"name": "bias", "shape": [1], "dtype": "float32"}]}]})";
}

Shards conv_shards() {
  // the filter's 9 floats and the bias, split across two shards mid-weight
  auto all = floats({1, 1, 1, 1, 1, 1, 1, 1, 1, -0.5f});
  return {{"a.bin", {all.begin(), all.begin() + 14}}, {"b.bin", {all.begin() + 14, all.end()}}};
}

}  // namespace

TEST(TfjsModel, WeightsSpanningShardsAndSamePaddingMatchTensorFlow) {
  auto model = parse_tfjs_model(conv_model("SAME"), conv_shards(), "tiny.json");
  ASSERT_EQ(model.inputs, std::vector<std::string>{"image"});
  ASSERT_EQ(model.outputs, std::vector<std::string>{"out"});
  EXPECT_FLOAT_EQ(model.weights.at("bias").floats[0], -0.5f);
  TfjsGraph graph(std::move(model));
  const auto image = torch::arange(16, torch::kFloat).reshape({1, 4, 4, 1}) / 16.0;
  const auto out = graph.run({image})[0];
  ASSERT_EQ(out.sizes(), (std::vector<std::int64_t>{1, 2, 2, 1}));
  // TensorFlow's SAME for 4 -> 2 with a 3x3 window and stride 2 pads 0 before and 1 after, so
  // output (0,0) sums rows 0-2 and columns 0-2, and (1,1) rows 2-3 and columns 2-3 (the padding
  // beyond); a symmetric padding would centre the windows one pixel earlier.
  EXPECT_NEAR(out[0][0][0][0].item<float>(), (0 + 1 + 2 + 4 + 5 + 6 + 8 + 9 + 10) / 16.0 - 0.5,
              1e-6);
  EXPECT_NEAR(out[0][0][1][0].item<float>(), (2 + 3 + 6 + 7 + 10 + 11) / 16.0 - 0.5, 1e-6);
  EXPECT_NEAR(out[0][1][1][0].item<float>(), (10 + 11 + 14 + 15) / 16.0 - 0.5, 1e-6);
  // Relu6 clips: a bright image saturates
  EXPECT_NEAR(graph.run({image * 16})[0][0][0][0][0].item<float>(), 6.0, 1e-6);
}

TEST(TfjsModel, QuantizedAndHalfWeightsDequantize) {
  const std::string json = R"({"modelTopology": {"node": [)" + kPlaceholder + R"(,
      {"name": "q8", "op": "Const"}, {"name": "q16", "op": "Const"}, {"name": "h", "op": "Const"},
      {"name": "i", "op": "Const"}]},
    "weightsManifest": [{"paths": ["w.bin"], "weights": [
      {"name": "q8", "shape": [3], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1}},
      {"name": "q16", "shape": [2], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.25, "min": 2}},
      {"name": "h", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}},
      {"name": "i", "shape": [2], "dtype": "int32"}]}]})";
  std::vector<std::uint8_t> bytes{0, 2, 255};
  const std::uint16_t q16[] = {0, 1000};
  const std::uint16_t h[] = {motioncue::float_to_half(1.5f), motioncue::float_to_half(-2.0f)};
  bytes.insert(bytes.end(), reinterpret_cast<const std::uint8_t*>(q16),
               reinterpret_cast<const std::uint8_t*>(q16) + 4);
  bytes.insert(bytes.end(), reinterpret_cast<const std::uint8_t*>(h),
               reinterpret_cast<const std::uint8_t*>(h) + 4);
  const auto i = ints({7, -3});
  bytes.insert(bytes.end(), i.begin(), i.end());
  const auto model = parse_tfjs_model(json, {{"w.bin", bytes}}, "q.json");
  EXPECT_EQ(model.weights.at("q8").floats, (std::vector<float>{-1.0f, 0.0f, 126.5f}));
  EXPECT_EQ(model.weights.at("q16").floats, (std::vector<float>{2.0f, 252.0f}));
  EXPECT_EQ(model.weights.at("h").floats, (std::vector<float>{1.5f, -2.0f}));
  EXPECT_EQ(model.weights.at("i").ints, (std::vector<std::int32_t>{7, -3}));
}

TEST(TfjsModel, TruncatedShardIsAnErrorNamingTheWeight) {
  auto shards = conv_shards();
  shards["b.bin"].resize(shards["b.bin"].size() - 2);
  const auto msg = error_of([&] { parse_tfjs_model(conv_model("SAME"), shards, "tiny.json"); });
  EXPECT_NE(msg.find("tiny.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("weight bias"), std::string::npos) << msg;
  EXPECT_NE(msg.find("shorter than the manifest"), std::string::npos) << msg;
}

TEST(TfjsModel, MissingShardFileIsAnErrorNamingIt) {
  motioncue::testing::TempDir dir;
  motioncue::write_file_atomic(dir.path() / "model.json", conv_model("SAME"));
  motioncue::write_file_atomic(dir.path() / "a.bin", conv_shards()["a.bin"]);
  const auto msg = error_of([&] { motioncue::vision::load_tfjs_model(dir.path() / "model.json"); });
  EXPECT_NE(msg.find("missing weight shard"), std::string::npos) << msg;
  EXPECT_NE(msg.find("b.bin"), std::string::npos) << msg;
}

TEST(TfjsModel, MalformedManifestsAndGraphsAreErrors) {
  const auto shards = conv_shards();
  auto replace = [](std::string s, const std::string& from, const std::string& to) {
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::string good = conv_model("SAME");
  struct Case {
    std::string json, expect;
  };
  const std::vector<Case> cases = {
      {"{}", "no modelTopology"},
      {"not json", "tiny.json"},
      {replace(good, R"("shape": [3, 3, 1, 1])", R"("shape": [3, -3, 1, 1])"),
       "negative dimension"},
      {replace(good, R"("shape": [3, 3, 1, 1])", R"("shape": [4294967296, 4294967296])"),
       "too large"},
      {replace(good, R"("shape": [1], "dtype": "float32")", R"("shape": [1], "dtype": "string")"),
       "unsupported weight dtype"},
      // Found by fuzzing: a number where the dtype's name belongs escaped as a JSON type error.
      {replace(good, R"("shape": [1], "dtype": "float32")", R"("shape": [1], "dtype": 7)"),
       "weight dtype is not a string"},
      {replace(good, R"("input": ["conv"])", R"("input": ["nowhere"])"), "names no node"},
      {replace(good, R"({"name": "bias", "shape": [1], "dtype": "float32"})", R"({"shape": [1]})"),
       "without a name"},
      {replace(good, R"("paths": ["a.bin", "b.bin"])", R"("paths": ["a.bin", "c.bin"])"),
       "missing weight shard"},
      {replace(good, R"({"name": "bias", "shape": [1], "dtype": "float32"})",
               R"({"name": "other", "shape": [1], "dtype": "float32"})"),
       "constant without a weight"},
  };
  for (const auto& c : cases) {
    const auto msg = error_of([&] { parse_tfjs_model(c.json, shards, "tiny.json"); });
    EXPECT_NE(msg.find(c.expect), std::string::npos) << c.expect << " <- " << msg;
  }
}

TEST(TfjsGraph, UnsupportedOpIsAnErrorNamingModelNodeAndOp) {
  auto json = conv_model("SAME");
  json.replace(json.find(R"("op": "Identity")"), 16, R"("op": "Erfinv")");
  auto model = parse_tfjs_model(json, conv_shards(), "tiny.json");
  const auto msg = error_of([&] { TfjsGraph graph(std::move(model)); });
  EXPECT_NE(msg.find("tiny"), std::string::npos) << msg;
  EXPECT_NE(msg.find("node out"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Erfinv"), std::string::npos) << msg;
}

TEST(TfjsGraph, WrongInputShapeAndBadPaddingAreErrors) {
  TfjsGraph graph(parse_tfjs_model(conv_model("SAME"), conv_shards(), "tiny.json"));
  auto msg = error_of([&] { graph.run({torch::zeros({1, 5, 4, 1})}); });
  EXPECT_NE(msg.find("input of the wrong shape"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[1, 4, 4, 1]"), std::string::npos) << msg;
  msg = error_of([&] { graph.run({}); });
  EXPECT_NE(msg.find("wrong number of inputs"), std::string::npos) << msg;
  TfjsGraph odd(parse_tfjs_model(conv_model("CIRCULAR"), conv_shards(), "tiny.json"));
  msg = error_of([&] { odd.run({torch::zeros({1, 4, 4, 1})}); });
  EXPECT_NE(msg.find("node conv"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unsupported padding"), std::string::npos) << msg;
}

// Ops after a convolution see TensorFlow's axes: a slice of the last axis and a reshape act on
// channels although the runner holds the conv output as NCHW.
TEST(TfjsGraph, AxisOpsSeeTensorFlowLayoutAfterConvolutions) {
  const std::string json = R"({"modelTopology": {"node": [
      {"name": "image", "op": "Placeholder"},
      {"name": "filter", "op": "Const"},
      {"name": "conv", "op": "Conv2D", "input": ["image", "filter"],
       "attr": {"padding": {"s": ")" +
                           b64("VALID") + R"("}, "strides": {"list": {"i": ["1","1","1","1"]}}}},
      {"name": "b", "op": "Const"}, {"name": "e", "op": "Const"}, {"name": "s", "op": "Const"},
      {"name": "last", "op": "StridedSlice", "input": ["conv", "b", "e", "s"],
       "attr": {"shrink_axis_mask": {"i": "8"}, "begin_mask": {"i": "7"}, "end_mask": {"i": "7"}}},
      {"name": "shape", "op": "Const"},
      {"name": "flat", "op": "Reshape", "input": ["conv", "shape"]}]},
    "weightsManifest": [{"paths": ["w.bin"], "weights": [
      {"name": "filter", "shape": [1, 1, 1, 3], "dtype": "float32"},
      {"name": "b", "shape": [4], "dtype": "int32"}, {"name": "e", "shape": [4], "dtype": "int32"},
      {"name": "s", "shape": [4], "dtype": "int32"}, {"name": "shape", "shape": [2], "dtype": "int32"}]}]})";
  auto bytes = floats({1, 10, 100});
  for (const auto& v :
       {std::vector<std::int32_t>{0, 0, 0, 2}, {0, 0, 0, 3}, {1, 1, 1, 1}, {-1, 3}}) {
    const auto b = ints(v);
    bytes.insert(bytes.end(), b.begin(), b.end());
  }
  TfjsGraph graph(parse_tfjs_model(json, {{"w.bin", bytes}}, "axes.json"));
  const auto image = torch::tensor({1.0f, 2.0f}).reshape({1, 1, 2, 1});
  const auto out = graph.run({image}, {"last", "flat"});
  EXPECT_TRUE(torch::equal(out[0], torch::tensor({100.0f, 200.0f}).reshape({1, 1, 2})));
  EXPECT_TRUE(torch::equal(
      out[1], torch::tensor({1.0f, 10.0f, 100.0f, 2.0f, 20.0f, 200.0f}).reshape({2, 3})));
}
