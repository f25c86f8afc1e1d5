// The TensorFlow ops the graph runner implements, as ATen code (internal to vision/).
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "motioncue/vision/tfjs_model.h"

namespace motioncue::vision::ops {

// A tensor flowing through the graph; `nchw` marks a 4-D value held in ATen's layout.
struct Value {
  at::Tensor t;
  bool nchw = false;
};
using Values = std::vector<Value>;

struct OpCall {
  const TfjsNode& node;
  const Values& in;
  const at::Tensor* filter;  // the convolution filter already in ATen's layout, or null
};

using OpFn = std::function<Values(const OpCall&)>;

const std::map<std::string, OpFn>& op_table();

// TensorFlow's view of a value (NHWC for 4-D).
at::Tensor tf_layout(const Value& v);

// A convolution filter (Conv2D: [kh, kw, in, out]; depthwise: [kh, kw, in, multiplier]) in
// ATen's layout ([out, in, kh, kw]; depthwise [in * multiplier, 1, kh, kw]).
at::Tensor aten_filter(const at::Tensor& tf_filter, bool depthwise);

bool is_convolution(const std::string& op);
bool is_depthwise(const std::string& op);

}  // namespace motioncue::vision::ops
