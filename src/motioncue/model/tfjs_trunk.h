// Internal to model/: the convolutional trunk of a pretrained TensorFlow.js model (MoveNet's
// MobileNetV2) as a trainable torch module. The graph runs on motioncue's TFJS runner
// (vision/tfjs_graph.h); the trunk's float weights are registered as this module's parameters,
// so optimisers, checkpoints and device moves see them, and the runner reads them in place.
#pragma once

#include <torch/nn.h>

#include <cstdint>
#include <memory>
#include <string>

namespace motioncue::vision {
class TfjsGraph;
}

namespace motioncue::model::detail {

struct TrunkSpec {
  std::string model;          // the fetched model's name ("movenet-lightning", ...)
  std::string feed;           // node fed with the image (NHWC, RGB 0-255, after decoding)
  std::string output;         // node whose output is averaged into the feature
  std::string weight_scope;   // only weights under this node-name prefix are parameters
  int64_t channels = 0;       // channels of `output`
  int native_resolution = 0;  // the input side the model was trained at
};

class TfjsTrunk : public torch::nn::Module {
 public:
  // Loads the fetched model (an Error saying how to fetch it when absent). The first
  // `frozen_blocks` blocks keep their pretrained weights (requires_grad off). `from_scratch`
  // replaces every weight with a fresh random one (He-normal kernels, zero biases) drawn from
  // torch's generator, so the seed decides them.
  TfjsTrunk(const TrunkSpec& spec, int64_t frozen_blocks, bool from_scratch = false);
  ~TfjsTrunk() override;

  // images: N x 3 x H x W, ImageNet-normalised (the network's input convention) -> N x channels.
  // With `multiply_adds`, adds the trunk's convolution multiply-adds per image to it.
  torch::Tensor forward(const torch::Tensor& images, int64_t* multiply_adds = nullptr);

  const TrunkSpec& spec() const { return spec_; }
  // Blocks in graph order (the first path component under the weight scope, "block_3_expand"
  // and "block_3_project" being one block), for freezing.
  int64_t block_count() const { return block_count_; }

 private:
  TrunkSpec spec_;
  std::shared_ptr<vision::TfjsGraph> graph_;
  int64_t block_count_ = 0;
};

}  // namespace motioncue::model::detail
