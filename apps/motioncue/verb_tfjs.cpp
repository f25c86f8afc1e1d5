// motioncue tfjs: run any TensorFlow.js graph model on an input and write chosen nodes as .npy,
// in the layout of scripts/tfjs_reference/run.mjs, so the two runners can be compared node by node.
#include <torch/torch.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <iostream>
#include <memory>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npy.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/vision/tfjs_graph.h"
#include "verb.h"

namespace {

namespace fs = std::filesystem;
using motioncue::Error;

struct TfjsRunOptions {
  fs::path model, input, image, out;
  std::vector<std::string> nodes;
  int size = 0;
};

std::string file_name_of(const std::string& node) {
  std::string s = node;
  for (auto& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) c = '_';
  return s + ".npy";
}

motioncue::NpyArray to_npy(const torch::Tensor& t) {
  const auto c = t.to(torch::kCPU).contiguous();
  std::vector<std::int64_t> shape(c.sizes().begin(), c.sizes().end());
  if (c.scalar_type() == torch::kFloat) {
    const auto* p = c.data_ptr<float>();
    return motioncue::NpyArray::from_f32(shape, std::vector<float>(p, p + c.numel()));
  }
  const auto i = c.to(torch::kInt);
  const auto* p = i.data_ptr<std::int32_t>();
  return motioncue::NpyArray::from_i32(shape, std::vector<std::int32_t>(p, p + i.numel()));
}

// The model's one image input from a picture: letterboxed into its square size, RGB, int32 0-255
// for int32 inputs and float 0-1 for float ones.
torch::Tensor image_input(const motioncue::vision::TfjsModel& model, const fs::path& file,
                          int size) {
  const auto& node = model.node(model.inputs.at(0));
  const bool as_float = motioncue::vision::attr_type(node, "dtype") == "DT_FLOAT";
  if (size <= 0) {
    try {
      size = static_cast<int>(
          std::stoll(node.attr["shape"]["shape"]["dim"][1]["size"].get<std::string>()));
    } catch (const std::exception&) {
      size = -1;
    }
    if (size <= 0) throw Error("the model's input size is not fixed: give --size").key("--image");
  }
  const cv::Mat bgr = cv::imread(file.string(), cv::IMREAD_COLOR);
  if (bgr.empty()) throw Error("not an image OpenCV can read").file(file.string());
  const double side = std::max(bgr.cols, bgr.rows), scale = size / side;
  const cv::Matx23d to_square(scale, 0, (side - bgr.cols) / 2 * scale, 0, scale,
                              (side - bgr.rows) / 2 * scale);
  cv::Mat square, rgb, ints;
  cv::warpAffine(bgr, square, to_square, cv::Size(size, size), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, 0);
  cv::cvtColor(square, rgb, cv::COLOR_BGR2RGB);
  rgb.convertTo(ints, CV_32SC3);
  auto t = torch::from_blob(ints.data, {1, size, size, 3}, torch::kInt).clone();
  return as_float ? t.to(torch::kFloat) / 255.0 : t;
}

void run_tfjs(const TfjsRunOptions& o) {
  if (o.input.empty() == o.image.empty())
    throw Error("give exactly one of --input and --image").key("--input");
  auto model = motioncue::vision::load_tfjs_model(o.model);
  torch::Tensor input;
  if (!o.image.empty()) {
    input = image_input(model, o.image, o.size);
  } else {
    const auto a = motioncue::read_npy(o.input);
    input = a.dtype == motioncue::DType::kF32
                ? torch::tensor(a.to_f32(), torch::kFloat).reshape(a.shape)
                : torch::tensor(a.to_i64(), torch::kLong).reshape(a.shape).to(torch::kInt);
  }
  const auto nodes = o.nodes.empty() ? model.outputs : o.nodes;
  motioncue::vision::TfjsGraph graph(std::move(model));
  const auto outputs = graph.run({input}, nodes);
  motioncue::RunDir run(o.out, motioncue::ExistingRun::kRefuse);
  nlohmann::json index = {{"model", o.model.filename().string()},
                          {"nodes", nlohmann::json::object()}};
  auto shape_of = [](const torch::Tensor& t) {
    return std::vector<std::int64_t>(t.sizes().begin(), t.sizes().end());
  };
  motioncue::write_npy(run.path() / "input.npy", to_npy(input));
  index["input"] = {{"file", "input.npy"},
                    {"dtype", input.scalar_type() == torch::kFloat ? "float32" : "int32"},
                    {"shape", shape_of(input)}};
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto file = file_name_of(nodes[i]);
    motioncue::write_npy(run.path() / file, to_npy(outputs[i]));
    index["nodes"][nodes[i]] = {
        {"file", file},
        {"dtype", outputs[i].scalar_type() == torch::kFloat ? "float32" : "int32"},
        {"shape", shape_of(outputs[i])}};
  }
  motioncue::write_file_atomic(run.path() / "index.json", index.dump(1) + "\n");
  std::cout << nodes.size() << " nodes written to " << o.out.string() << "\n";
}

motioncue::cli::VerbRegistration register_tfjs(
    "tfjs",
    "Run a TensorFlow.js graph model on an input and write chosen nodes as .npy (for checks)",
    [](CLI::App& app) {
      auto o = std::make_shared<TfjsRunOptions>();
      app.add_option("model", o->model, "the model.json (its weight shards beside it)")->required();
      app.add_option("--input", o->input, "the input tensor as .npy (TensorFlow layout and dtype)");
      app.add_option("--image", o->image, "or an image, letterboxed into the model's input");
      app.add_option("--size", o->size, "input size for --image when the model's is not fixed");
      app.add_option("--node", o->nodes,
                     "a node to write (repeatable; default: the model's outputs)");
      app.add_option("--out", o->out, "output folder (must not exist or be empty)")->required();
      app.callback([o] { run_tfjs(*o); });
    });

}  // namespace
