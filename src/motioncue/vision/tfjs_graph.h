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

#include <cstdint>
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
  // Runs with `feeds` (node name -> value in TensorFlow layout) standing in for those nodes'
  // outputs, e.g. an image after the model's own decoding steps; what only feeds a fed node does
  // not run. Every placeholder the outputs still need must be fed. With `multiply_adds`, adds
  // the convolutions' multiply-adds per batch item to it.
  std::vector<at::Tensor> run_from(const std::map<std::string, at::Tensor>& feeds,
                                   const std::vector<std::string>& outputs,
                                   std::int64_t* multiply_adds = nullptr) const;

  // The float weights the runs read, by the name of their Const node, in graph order:
  // convolution filters (in ATen's layout) and every other float constant of more than one
  // element. They are the graph's own tensors, so marking them requires_grad makes runs
  // differentiable in them and changing them in place changes the model. A constant that is
  // both a filter and another op's operand is left out (it exists twice).
  std::vector<std::pair<std::string, at::Tensor>> weights() const;

  // The ops this runner implements, sorted.
  static std::vector<std::string> supported_ops();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace motioncue::vision
