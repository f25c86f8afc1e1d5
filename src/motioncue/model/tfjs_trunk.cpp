#include "motioncue/model/tfjs_trunk.h"

#include <torch/torch.h>

#include <cmath>
#include <map>
#include <set>

#include "motioncue/core/error.h"
#include "motioncue/data/network_input.h"
#include "motioncue/vision/model_store.h"
#include "motioncue/vision/tfjs_graph.h"

namespace motioncue::model::detail {

namespace {

// A parameter name torch accepts (no '.') that stays readable: the node name under the scope,
// '/' and '.' turned into '_'.
std::string parameter_name(const std::string& node, const std::string& scope) {
  std::string name = node.substr(scope.size());
  for (char& c : name)
    if (c == '/' || c == '.') c = '_';
  return name;
}

// "block_3_expand/Conv2D_weights" -> "block_3"; "expanded_conv_project/..." -> "expanded_conv";
// "Conv1/Conv2D_weights" -> "Conv1".
std::string block_of(const std::string& relative) {
  const std::string first = relative.substr(0, relative.find('/'));
  if (first.rfind("block_", 0) == 0) return first.substr(0, first.find('_', 6));
  if (first.rfind("expanded_conv", 0) == 0) return "expanded_conv";
  return first;
}

// A fresh weight in place of a pretrained one. The trunk has no normalisation layers (MoveNet's
// are folded into the convolutions), so kernels get He-normal scales: gain 2 where a ReLU6
// follows, 1 for the linear bottleneck projections. The runner hands out its prepared filters in
// ATen's layout (O x I x kh x kw; depthwise C x 1 x kh x kw), so the fan-in is everything but the
// first dimension. Anything that is not a kernel (biases) starts at zero.
void reinitialise(const std::string& relative, torch::Tensor& weight) {
  torch::NoGradGuard no_grad;
  if (weight.dim() != 4) {
    weight.zero_();
    return;
  }
  const double fan_in = static_cast<double>(weight.numel() / weight.size(0));
  const bool linear = relative.find("_project") != std::string::npos;
  weight.normal_(0.0, std::sqrt((linear ? 1.0 : 2.0) / fan_in));
}

}  // namespace

TfjsTrunk::TfjsTrunk(const TrunkSpec& spec, int64_t frozen_blocks, bool from_scratch)
    : spec_(spec) {
  graph_ = std::make_shared<vision::TfjsGraph>(
      vision::load_tfjs_model(vision::tfjs_model_file(spec.model)));
  std::map<std::string, std::string> names;  // parameter name -> node, to catch collisions
  std::string last_block;
  for (const auto& [node, tensor] : graph_->weights()) {
    if (node.rfind(spec.weight_scope, 0) != 0) continue;
    const std::string relative = node.substr(spec.weight_scope.size());
    const std::string block = block_of(relative);
    if (block != last_block) {
      ++block_count_;
      last_block = block;
    }
    const std::string name = parameter_name(node, spec.weight_scope);
    if (from_scratch) {
      torch::Tensor weight = tensor;
      reinitialise(relative, weight);
    }
    if (!names.emplace(name, node).second)
      throw Error("two weights of the pretrained model map to one parameter name")
          .file(spec.model)
          .key(name);
    register_parameter(name, tensor, /*requires_grad=*/block_count_ > frozen_blocks);
  }
  if (names.empty())
    throw Error("the pretrained model has no weights under the trunk's scope")
        .file(spec.model)
        .key(spec.weight_scope);
  if (frozen_blocks > block_count_)
    throw Error("more frozen blocks than the pretrained trunk has")
        .key("model.frozen_blocks")
        .expected("0.." + std::to_string(block_count_))
        .found(std::to_string(frozen_blocks));
}

TfjsTrunk::~TfjsTrunk() = default;

torch::Tensor TfjsTrunk::forward(const torch::Tensor& images, int64_t* multiply_adds) {
  // Back from the network's ImageNet normalisation to the model's own input: RGB 0-255, NHWC.
  const auto opts = images.options();
  const auto mean =
      torch::tensor({data::kImageMean[0], data::kImageMean[1], data::kImageMean[2]}, opts)
          .view({1, 3, 1, 1});
  const auto stdev =
      torch::tensor({data::kImageStd[0], data::kImageStd[1], data::kImageStd[2]}, opts)
          .view({1, 3, 1, 1});
  const auto rgb255 = ((images * stdev + mean) * 255.0).permute({0, 2, 3, 1});
  const auto out =
      graph_->run_from({{spec_.feed, rgb255}}, {spec_.output}, multiply_adds)[0];  // N x h x w x C
  return out.mean({1, 2});
}

}  // namespace motioncue::model::detail
