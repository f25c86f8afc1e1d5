// Runs a TensorFlow.js graph model with ATen ops, on the device its weights were placed on.
//
// TensorFlow's 4-D tensors are NHWC; ATen's convolutions want NCHW. The layout is changed once at
// the edges: a 4-D value produced by a convolution, pooling, resize or batch norm stays NCHW
// internally and is tagged so; element-wise ops keep the tag (bringing a broadcast operand to the
// same layout), and only ops whose meaning depends on TensorFlow's axis order (reshape, slice,
// gather, reductions...) see a view of it in NHWC. Inputs and outputs are in TensorFlow's layout.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "motioncue/vision/tfjs_model.h"

namespace motioncue::vision {

class TfjsGraph {
 public:
  // Checks that every op is supported (an Error naming the model, node and op otherwise) and
  // prepares the weights (filters in ATen's layout) on `device`.
  explicit TfjsGraph(TfjsModel model, c10::Device device = c10::Device("cpu"));
  ~TfjsGraph();
  TfjsGraph(TfjsGraph&&) noexcept;
  TfjsGraph& operator=(TfjsGraph&&) noexcept;

  const TfjsModel& model() const;
  c10::Device device() const;

  // Feeds the graph's inputs in order (TensorFlow layout and dtype: e.g. int32 NHWC images) and
  // returns the requested nodes' first outputs ("node" or "node:k"), by default the model's
  // outputs.
  std::vector<at::Tensor> run(const std::vector<at::Tensor>& inputs,
                              const std::vector<std::string>& outputs = {}) const;

  // The ops this runner implements, sorted.
  static std::vector<std::string> supported_ops();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace motioncue::vision
