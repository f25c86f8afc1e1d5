#include "motioncue/vision/tfjs_ops.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "motioncue/core/error.h"

namespace motioncue::vision::ops {
namespace {

using at::Tensor;

Error op_error(const TfjsNode& node, const std::string& problem) {
  return std::move(Error(problem).key("node " + node.name + " (" + node.op + ")"));
}

void need_inputs(const OpCall& c, std::size_t n) {
  if (c.in.size() < n)
    throw op_error(c.node, "too few inputs")
        .expected(std::to_string(n))
        .found(std::to_string(c.in.size()));
}

std::vector<std::int64_t> int_list(const Tensor& t) {
  const auto v = t.to(at::kLong).cpu().contiguous().reshape({-1});
  const auto* p = v.data_ptr<std::int64_t>();
  return {p, p + v.numel()};
}

std::int64_t scalar_int(const OpCall& c, std::size_t i) {
  const auto v = int_list(tf_layout(c.in[i]));
  if (v.size() != 1)
    throw op_error(c.node, "expected a scalar input").found(std::to_string(v.size()) + " values");
  return v[0];
}

std::int64_t norm_axis(const OpCall& c, std::int64_t axis, std::int64_t rank) {
  if (axis < -rank || axis >= std::max<std::int64_t>(rank, 1))
    throw op_error(c.node, "axis out of range");
  return axis < 0 ? axis + rank : axis;
}

// TensorFlow's broadcasting against an NCHW value: align trailing dims in NHWC, then permute.
Tensor as_nchw_operand(const OpCall& c, const Value& v) {
  if (v.nchw) return v.t;
  Tensor t = v.t;
  if (t.dim() > 4)
    throw op_error(c.node, "cannot broadcast a tensor of rank above 4 against an image");
  while (t.dim() < 4) t = t.unsqueeze(0);
  return t.permute({0, 3, 1, 2});
}

Tensor as_nchw(const OpCall& c, const Value& v) {
  if (v.nchw) return v.t;
  if (v.t.dim() != 4)
    throw op_error(c.node, "expected a 4-D image tensor").found(std::to_string(v.t.dim()) + "-D");
  return v.t.permute({0, 3, 1, 2}).contiguous();
}

Values plain(Tensor t) { return {{std::move(t), false}}; }

using Unary = std::function<Tensor(const Tensor&)>;
using Binary = std::function<Tensor(const Tensor&, const Tensor&)>;

OpFn unary(Unary f) {
  return [f](const OpCall& c) -> Values {
    need_inputs(c, 1);
    return {{f(c.in[0].t), c.in[0].nchw}};
  };
}

OpFn binary(Binary f) {
  return [f](const OpCall& c) -> Values {
    need_inputs(c, 2);
    const auto& a = c.in[0];
    const auto& b = c.in[1];
    if (a.nchw || b.nchw) return {{f(as_nchw_operand(c, a), as_nchw_operand(c, b)), true}};
    return plain(f(a.t, b.t));
  };
}

at::ScalarType scalar_type(const OpCall& c, const std::string& tf_type) {
  if (tf_type == "DT_FLOAT") return at::kFloat;
  if (tf_type == "DT_INT32") return at::kInt;
  if (tf_type == "DT_INT64") return at::kLong;
  if (tf_type == "DT_BOOL") return at::kBool;
  throw op_error(c.node, "unsupported dtype").found(tf_type);
}

// --- convolution and pooling ----------------------------------------------------------------

struct Window {
  std::int64_t kh, kw, sh, sw, dh = 1, dw = 1;
};

// Pads an NCHW tensor as TensorFlow's padding attribute says; returns it with the symmetric part
// left to the op when both sides agree (faster), in `sym_h`/`sym_w`.
Tensor pad_input(const OpCall& c, const Tensor& x, const Window& w, double pad_value,
                 std::int64_t& sym_h, std::int64_t& sym_w) {
  const std::string padding = attr_string(c.node, "padding");
  std::int64_t top = 0, bottom = 0, left = 0, right = 0;
  if (padding == "SAME") {
    auto same = [](std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d,
                   std::int64_t& lo, std::int64_t& hi) {
      const std::int64_t out = (in + s - 1) / s;
      const std::int64_t total = std::max<std::int64_t>((out - 1) * s + (k - 1) * d + 1 - in, 0);
      lo = total / 2;
      hi = total - lo;
    };
    same(x.size(2), w.kh, w.sh, w.dh, top, bottom);
    same(x.size(3), w.kw, w.sw, w.dw, left, right);
  } else if (padding == "EXPLICIT") {
    const auto p = attr_ints(c.node, "explicit_paddings");
    if (p.size() != 8) throw op_error(c.node, "explicit_paddings needs 8 values");
    top = p[2], bottom = p[3], left = p[4], right = p[5];
  } else if (padding != "VALID") {
    throw op_error(c.node, "unsupported padding").found(padding);
  }
  sym_h = sym_w = 0;
  if (top == bottom && left == right && pad_value == 0) {
    sym_h = top;
    sym_w = left;
    return x;
  }
  return at::constant_pad_nd(x, {left, right, top, bottom}, pad_value);
}

void check_nhwc(const OpCall& c) {
  const auto format = attr_string_or(c.node, "data_format", "NHWC");
  if (format != "NHWC")
    throw op_error(c.node, "unsupported data_format").expected("NHWC").found(format);
}

std::pair<std::int64_t, std::int64_t> hw_of(const OpCall& c, const std::string& key,
                                            std::int64_t fallback) {
  const auto v = attr_ints_or(c.node, key, {1, fallback, fallback, 1});
  if (v.size() != 4) throw op_error(c.node, key + " needs 4 values");
  if (v[1] < 1 || v[2] < 1) throw op_error(c.node, key + " must be positive");
  return {v[1], v[2]};
}

Tensor activate(const OpCall& c, const std::string& name, Tensor y, const Tensor* alpha) {
  if (name == "Relu") return at::relu(y);
  if (name == "Relu6") return at::clamp(y, 0, 6);
  if (name == "Elu") return at::elu(y);
  if (name == "Sigmoid") return at::sigmoid(y);
  if (name == "Tanh") return at::tanh(y);
  if (name == "LeakyRelu") return at::leaky_relu(y, attr_float_or(c.node, "leakyrelu_alpha", 0.2f));
  if (name == "Prelu") {
    if (!alpha) throw op_error(c.node, "Prelu without its alpha argument");
    return at::relu(y) - *alpha * at::relu(-y);
  }
  throw op_error(c.node, "unsupported fused op").found(name);
}

Values convolution(const OpCall& c, bool depthwise, bool fused) {
  need_inputs(c, 2);
  check_nhwc(c);
  const Tensor x = as_nchw(c, c.in[0]);
  const Tensor w = c.filter ? *c.filter : aten_filter(tf_layout(c.in[1]), depthwise);
  Window win{w.size(2), w.size(3), 1, 1};
  std::tie(win.sh, win.sw) = hw_of(c, "strides", 1);
  std::tie(win.dh, win.dw) = hw_of(c, "dilations", 1);
  std::int64_t ph = 0, pw = 0;
  const Tensor padded = pad_input(c, x, win, 0.0, ph, pw);
  const std::int64_t groups = depthwise ? x.size(1) : 1;
  if (!depthwise && w.size(1) != x.size(1))
    throw op_error(c.node, "filter does not match the input channels")
        .expected(std::to_string(w.size(1)))
        .found(std::to_string(x.size(1)));

  std::vector<std::string> steps =
      fused ? attr_strings(c.node, "fused_ops") : std::vector<std::string>{};
  std::size_t arg = 2;
  Tensor bias;
  if (!steps.empty() && steps[0] == "BiasAdd") {
    need_inputs(c, arg + 1);
    bias = tf_layout(c.in[arg++]).reshape({-1});
    steps.erase(steps.begin());
  }
  Tensor y = at::conv2d(padded, w, bias, {win.sh, win.sw}, {ph, pw}, {win.dh, win.dw}, groups);
  for (const auto& step : steps) {
    if (step == "FusedBatchNorm") {
      need_inputs(c, arg + 4);
      auto vec = [&](std::size_t i) { return tf_layout(c.in[i]).reshape({-1}); };
      y = at::batch_norm(y, vec(arg), vec(arg + 1), vec(arg + 2), vec(arg + 3), false, 0.0,
                         attr_float_or(c.node, "epsilon", 1e-3f), false);
      arg += 4;
    } else {
      Tensor alpha;
      if (step == "Prelu") {
        need_inputs(c, arg + 1);
        alpha = tf_layout(c.in[arg++]).reshape({1, -1, 1, 1});
      }
      y = activate(c, step, y, alpha.defined() ? &alpha : nullptr);
    }
  }
  return {{y, true}};
}

Values pooling(const OpCall& c, bool max) {
  need_inputs(c, 1);
  check_nhwc(c);
  const Tensor x = as_nchw(c, c.in[0]);
  Window win{1, 1, 1, 1};
  std::tie(win.kh, win.kw) = hw_of(c, "ksize", 1);
  std::tie(win.sh, win.sw) = hw_of(c, "strides", 1);
  std::int64_t ph = 0, pw = 0;
  if (max) {
    const Tensor padded = pad_input(c, x, win, -std::numeric_limits<double>::infinity(), ph, pw);
    const Tensor y = at::max_pool2d(padded, {win.kh, win.kw}, {win.sh, win.sw});
    return {{y, true}};
  }
  // TensorFlow averages over the window's cells inside the image only.
  const Tensor padded = pad_input(c, x, win, 0.0, ph, pw);
  const Tensor ones = at::ones({1, 1, x.size(2), x.size(3)}, x.options());
  const Tensor mask = pad_input(c, ones, win, 0.0, ph, pw);
  auto pool = [&](const Tensor& t) {
    return at::avg_pool2d(at::constant_pad_nd(t, {pw, pw, ph, ph}, 0), {win.kh, win.kw},
                          {win.sh, win.sw});
  };
  return {{pool(padded) / pool(mask), true}};
}

// --- resizing -------------------------------------------------------------------------------

struct Axis {
  Tensor lo, hi, frac;  // source indices and the weight of `hi`
};

Axis resize_axis(std::int64_t in, std::int64_t out, bool align_corners, bool half_pixel,
                 bool nearest, const at::TensorOptions& opts) {
  const double scale =
      (align_corners && out > 1) ? double(in - 1) / double(out - 1) : double(in) / double(out);
  const auto idx = at::arange(out, opts.dtype(at::kDouble));
  Axis a;
  if (nearest) {
    Tensor src = half_pixel      ? at::floor((idx + 0.5) * scale)
                 : align_corners ? at::round(idx * scale)
                                 : at::floor(idx * scale);
    a.lo = at::clamp(src, 0, in - 1).to(at::kLong);
    return a;
  }
  const Tensor src = half_pixel ? (idx + 0.5) * scale - 0.5 : idx * scale;
  const Tensor fl = at::floor(src);
  a.lo = at::clamp(fl, 0, in - 1).to(at::kLong);
  a.hi = at::clamp(at::ceil(src), 0, in - 1).to(at::kLong);
  a.frac = (src - fl).to(at::kFloat);
  return a;
}

Values resize(const OpCall& c, bool nearest) {
  need_inputs(c, 2);
  const Tensor x = as_nchw(c, c.in[0]);
  const auto size = int_list(tf_layout(c.in[1]));
  if (size.size() != 2 || size[0] < 1 || size[1] < 1 || size[0] > 65536 || size[1] > 65536)
    throw op_error(c.node, "resize needs a positive size [height, width]");
  const bool align = attr_bool_or(c.node, "align_corners", false);
  const bool half = attr_bool_or(c.node, "half_pixel_centers", false);
  const auto opts = x.options();
  const Axis ay = resize_axis(x.size(2), size[0], align, half, nearest, opts);
  const Axis ax = resize_axis(x.size(3), size[1], align, half, nearest, opts);
  const Tensor xf = x.to(at::kFloat);
  if (nearest)
    return {{xf.index_select(2, ay.lo).index_select(3, ax.lo).to(x.scalar_type()), true}};
  const Tensor top = xf.index_select(2, ay.lo), bottom = xf.index_select(2, ay.hi);
  const Tensor fy = ay.frac.view({1, 1, -1, 1}), fx = ax.frac.view({1, 1, 1, -1});
  const Tensor rows = top + (bottom - top) * fy;
  const Tensor left = rows.index_select(3, ax.lo), right = rows.index_select(3, ax.hi);
  return {{left + (right - left) * fx, true}};
}

// --- shapes and indexing ----------------------------------------------------------------------

Values strided_slice(const OpCall& c) {
  need_inputs(c, 4);
  Tensor t = tf_layout(c.in[0]);
  const auto b = int_list(tf_layout(c.in[1]));
  const auto e = int_list(tf_layout(c.in[2]));
  const auto s = int_list(tf_layout(c.in[3]));
  if (b.size() != e.size() || b.size() != s.size())
    throw op_error(c.node, "begin, end and strides differ in length");
  const auto mask = [&](const char* key) { return attr_int_or(c.node, key, 0); };
  const auto begin_mask = mask("begin_mask"), end_mask = mask("end_mask"),
             ellipsis = mask("ellipsis_mask"), new_axis = mask("new_axis_mask"),
             shrink = mask("shrink_axis_mask");
  const auto bit = [](std::int64_t m, std::size_t i) { return ((m >> i) & 1) != 0; };
  const std::int64_t rank = t.dim();
  std::int64_t dim = 0, in_dim = 0;
  std::vector<std::int64_t> squeeze;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (bit(ellipsis, i)) {
      std::int64_t later = 0;
      for (std::size_t j = i + 1; j < b.size(); ++j) later += !bit(new_axis, j);
      const std::int64_t cover = std::max<std::int64_t>(rank - in_dim - later, 0);
      dim += cover;
      in_dim += cover;
      continue;
    }
    if (bit(new_axis, i)) {
      t = t.unsqueeze(dim++);
      continue;
    }
    if (dim >= t.dim()) throw op_error(c.node, "slice has more dimensions than its input");
    const std::int64_t size = t.size(dim);
    if (s[i] == 0) throw op_error(c.node, "slice stride 0");
    if (bit(shrink, i)) {
      std::int64_t index = b[i] < 0 ? b[i] + size : b[i];
      if (index < 0 || index >= size) throw op_error(c.node, "slice index out of range");
      t = t.narrow(dim, index, 1);
      squeeze.push_back(dim);
    } else if (s[i] > 0) {
      const auto clampv = [&](std::int64_t v) {
        return std::clamp<std::int64_t>(v < 0 ? v + size : v, 0, size);
      };
      const std::int64_t lo = bit(begin_mask, i) ? 0 : clampv(b[i]);
      const std::int64_t hi = bit(end_mask, i) ? size : clampv(e[i]);
      t = t.slice(dim, lo, std::max(lo, hi), s[i]);
    } else {
      const auto clampv = [&](std::int64_t v) {
        return std::clamp<std::int64_t>(v < 0 ? v + size : v, -1, size - 1);
      };
      const std::int64_t lo = bit(begin_mask, i) ? size - 1 : clampv(b[i]);
      const std::int64_t hi = bit(end_mask, i) ? -1 : clampv(e[i]);
      const auto idx = hi >= lo ? at::empty({0}, t.options().dtype(at::kLong))
                                : at::arange(lo, hi, s[i], t.options().dtype(at::kLong));
      t = t.index_select(dim, idx);
    }
    ++dim;
    ++in_dim;
  }
  for (auto it = squeeze.rbegin(); it != squeeze.rend(); ++it) t = t.squeeze(*it);
  return plain(t);
}

Values gather(const OpCall& c) {
  need_inputs(c, 3);
  if (attr_int_or(c.node, "batch_dims", 0) != 0)
    throw op_error(c.node, "GatherV2 with batch_dims is unsupported");
  const Tensor params = tf_layout(c.in[0]);
  const Tensor indices = tf_layout(c.in[1]).to(at::kLong);
  const std::int64_t axis = norm_axis(c, scalar_int(c, 2), params.dim());
  std::vector<std::int64_t> shape(params.sizes().begin(), params.sizes().begin() + axis);
  for (auto d : indices.sizes()) shape.push_back(d);
  for (std::int64_t d = axis + 1; d < params.dim(); ++d) shape.push_back(params.size(d));
  return plain(params.index_select(axis, indices.reshape({-1})).reshape(shape));
}

Values gather_nd(const OpCall& c) {
  need_inputs(c, 2);
  const Tensor params = tf_layout(c.in[0]);
  const Tensor indices = tf_layout(c.in[1]).to(at::kLong);
  if (indices.dim() < 1) throw op_error(c.node, "GatherNd indices must have rank >= 1");
  const std::int64_t k = indices.size(-1);
  if (k > params.dim()) throw op_error(c.node, "GatherNd index depth above the params' rank");
  Tensor linear = at::zeros(indices.sizes().slice(0, indices.dim() - 1), indices.options());
  std::int64_t rows = 1;
  for (std::int64_t d = 0; d < k; ++d) {
    const Tensor i = indices.select(-1, d);
    if (at::any(i < 0).item<bool>() || at::any(i >= params.size(d)).item<bool>())
      throw op_error(c.node, "GatherNd index out of range");
    linear = linear * params.size(d) + i;
    rows *= params.size(d);
  }
  std::vector<std::int64_t> rest(params.sizes().begin() + k, params.sizes().end());
  std::vector<std::int64_t> flat{rows};
  flat.insert(flat.end(), rest.begin(), rest.end());
  std::vector<std::int64_t> shape(indices.sizes().begin(), indices.sizes().end() - 1);
  shape.insert(shape.end(), rest.begin(), rest.end());
  return plain(params.reshape(flat).index_select(0, linear.reshape({-1})).reshape(shape));
}

std::vector<std::int64_t> axes_of(const OpCall& c, std::size_t i, std::int64_t rank) {
  auto axes = int_list(tf_layout(c.in[i]));
  for (auto& a : axes) a = norm_axis(c, a, rank);
  return axes;
}

enum class Reduce { kSum, kMean, kMax, kMin, kProd, kAll, kAny };

OpFn reduction(Reduce kind) {
  return [kind](const OpCall& c) -> Values {
    need_inputs(c, 2);
    const Tensor x = tf_layout(c.in[0]);
    const auto axes = axes_of(c, 1, x.dim());
    const bool keep = attr_bool_or(c.node, "keep_dims", false);
    if (axes.empty()) return plain(x);
    Tensor y;
    switch (kind) {
      case Reduce::kSum:
        y = at::sum(x, axes, keep, x.scalar_type());
        break;
      case Reduce::kMean:
        y = at::mean(x, axes, keep);
        break;
      case Reduce::kMax:
        y = at::amax(x, axes, keep);
        break;
      case Reduce::kMin:
        y = at::amin(x, axes, keep);
        break;
      case Reduce::kProd: {
        y = x;
        std::vector<std::int64_t> sorted = axes;
        std::sort(sorted.rbegin(), sorted.rend());
        for (auto a : sorted) y = at::prod(y, a, keep, x.scalar_type());
        break;
      }
      case Reduce::kAll:
      case Reduce::kAny: {
        y = x.to(at::kBool);
        std::vector<std::int64_t> sorted = axes;
        std::sort(sorted.rbegin(), sorted.rend());
        for (auto a : sorted) y = kind == Reduce::kAll ? at::all(y, a, keep) : at::any(y, a, keep);
        break;
      }
    }
    return plain(y);
  };
}

Values arg_max(const OpCall& c, bool max) {
  need_inputs(c, 2);
  const Tensor x = tf_layout(c.in[0]);
  const std::int64_t axis = norm_axis(c, scalar_int(c, 1), x.dim());
  const auto out = scalar_type(c, attr_type(c.node, "output_type"));
  return plain((max ? at::argmax(x, axis) : at::argmin(x, axis)).to(out));
}

Values concat(const OpCall& c, bool axis_last) {
  need_inputs(c, 2);
  const std::size_t n = c.in.size() - 1;
  const std::size_t axis_input = axis_last ? n : 0;
  const std::size_t first = axis_last ? 0 : 1;
  bool any_nchw = false, all_4d = true;
  for (std::size_t i = first; i < first + n; ++i) {
    any_nchw |= c.in[i].nchw;
    all_4d &= c.in[i].t.dim() == 4;
  }
  const std::int64_t rank = c.in[first].t.dim();
  std::int64_t axis = norm_axis(c, scalar_int(c, axis_input), rank);
  std::vector<Tensor> parts;
  if (any_nchw && all_4d) {
    static const std::int64_t to_nchw[] = {0, 2, 3, 1};
    for (std::size_t i = first; i < first + n; ++i) parts.push_back(as_nchw(c, c.in[i]));
    return {{at::cat(parts, to_nchw[axis]), true}};
  }
  for (std::size_t i = first; i < first + n; ++i) parts.push_back(tf_layout(c.in[i]));
  return plain(at::cat(parts, axis));
}

Values pack(const OpCall& c) {
  need_inputs(c, 1);
  std::vector<Tensor> parts;
  for (const auto& v : c.in) parts.push_back(tf_layout(v));
  const std::int64_t axis = norm_axis(c, attr_int_or(c.node, "axis", 0), parts[0].dim() + 1);
  return plain(at::stack(parts, axis));
}

Values unpack(const OpCall& c) {
  need_inputs(c, 1);
  const Tensor x = tf_layout(c.in[0]);
  const std::int64_t axis = norm_axis(c, attr_int_or(c.node, "axis", 0), x.dim());
  Values out;
  for (auto& t : at::unbind(x, axis)) out.push_back({t, false});
  return out;
}

Values split(const OpCall& c) {
  need_inputs(c, 2);
  const std::int64_t parts = attr_int(c.node, "num_split");
  const Tensor x = tf_layout(c.in[1]);
  const std::int64_t axis = norm_axis(c, scalar_int(c, 0), x.dim());
  if (parts < 1 || x.size(axis) % parts != 0)
    throw op_error(c.node, "Split does not divide the axis evenly");
  Values out;
  for (auto& t : at::split(x, x.size(axis) / parts, axis)) out.push_back({t, false});
  return out;
}

Values top_k(const OpCall& c) {
  need_inputs(c, 2);
  const Tensor x = tf_layout(c.in[0]);
  const std::int64_t k = scalar_int(c, 1);
  if (x.dim() < 1 || k < 0 || k > x.size(-1)) throw op_error(c.node, "TopKV2: k out of range");
  auto [values, indices] = at::topk(x, k, -1, true, true);
  return {{values, false}, {indices.to(at::kInt), false}};
}

Values select(const OpCall& c, bool v2) {
  need_inputs(c, 3);
  Tensor cond = tf_layout(c.in[0]).to(at::kBool);
  const Tensor a = tf_layout(c.in[1]), b = tf_layout(c.in[2]);
  if (!v2 && cond.dim() == 1 && a.dim() > 1)  // Select: a vector picks whole rows
    while (cond.dim() < a.dim()) cond = cond.unsqueeze(-1);
  return plain(at::where(cond, a, b));
}

Values pad(const OpCall& c, bool has_value) {
  need_inputs(c, has_value ? 3 : 2);
  const Tensor x = tf_layout(c.in[0]);
  const auto p = int_list(tf_layout(c.in[1]));
  if (static_cast<std::int64_t>(p.size()) != 2 * x.dim())
    throw op_error(c.node, "paddings do not match the rank");
  std::vector<std::int64_t> torch_pads;
  for (std::int64_t d = x.dim() - 1; d >= 0; --d) {
    if (p[2 * d] < 0 || p[2 * d + 1] < 0) throw op_error(c.node, "negative padding");
    torch_pads.push_back(p[2 * d]);
    torch_pads.push_back(p[2 * d + 1]);
  }
  const double value = has_value ? tf_layout(c.in[2]).item<double>() : 0.0;
  return plain(at::constant_pad_nd(x, torch_pads, value));
}

Values batch_norm(const OpCall& c) {
  need_inputs(c, 5);
  check_nhwc(c);
  const Tensor x = as_nchw(c, c.in[0]);
  auto vec = [&](std::size_t i) { return tf_layout(c.in[i]).reshape({-1}); };
  return {{at::batch_norm(x, vec(1), vec(2), vec(3), vec(4), false, 0.0,
                          attr_float_or(c.node, "epsilon", 1e-3f), false),
           true}};
}

std::map<std::string, OpFn> build_table() {
  std::map<std::string, OpFn> t;
  t["Identity"] = unary([](const Tensor& x) { return x; });
  t["StopGradient"] = t["Identity"];
  t["Snapshot"] = t["Identity"];
  t["IdentityN"] = [](const OpCall& c) { return c.in; };
  t["Relu"] = unary([](const Tensor& x) { return at::relu(x); });
  t["Relu6"] = unary([](const Tensor& x) { return at::clamp(x, 0, 6); });
  t["Elu"] = unary([](const Tensor& x) { return at::elu(x); });
  t["Selu"] = unary([](const Tensor& x) { return at::selu(x); });
  t["Sigmoid"] = unary([](const Tensor& x) { return at::sigmoid(x); });
  t["Tanh"] = unary([](const Tensor& x) { return at::tanh(x); });
  t["Softplus"] = unary([](const Tensor& x) { return at::softplus(x); });
  t["Sqrt"] = unary([](const Tensor& x) { return at::sqrt(x); });
  t["Rsqrt"] = unary([](const Tensor& x) { return at::rsqrt(x); });
  t["Square"] = unary([](const Tensor& x) { return x * x; });
  t["Exp"] = unary([](const Tensor& x) { return at::exp(x); });
  t["Log"] = unary([](const Tensor& x) { return at::log(x); });
  t["Neg"] = unary([](const Tensor& x) { return at::neg(x); });
  t["Abs"] = unary([](const Tensor& x) { return at::abs(x); });
  t["Floor"] = unary([](const Tensor& x) { return at::floor(x); });
  t["Ceil"] = unary([](const Tensor& x) { return at::ceil(x); });
  t["Round"] = unary([](const Tensor& x) { return at::round(x); });
  t["Sign"] = unary([](const Tensor& x) { return at::sign(x); });
  t["Reciprocal"] = unary([](const Tensor& x) { return at::reciprocal(x); });
  t["LogicalNot"] = unary([](const Tensor& x) { return at::logical_not(x); });
  t["LeakyRelu"] = [](const OpCall& c) -> Values {
    need_inputs(c, 1);
    return {{at::leaky_relu(c.in[0].t, attr_float_or(c.node, "alpha", 0.2f)), c.in[0].nchw}};
  };

  t["Add"] = binary([](const Tensor& a, const Tensor& b) { return a + b; });
  t["AddV2"] = t["Add"];
  t["BiasAdd"] = t["Add"];  // bias [C] broadcasts on TensorFlow's last axis, as Add does
  t["Sub"] = binary([](const Tensor& a, const Tensor& b) { return a - b; });
  t["Mul"] = binary([](const Tensor& a, const Tensor& b) { return a * b; });
  t["RealDiv"] = binary([](const Tensor& a, const Tensor& b) { return a / b; });
  t["Div"] = binary([](const Tensor& a, const Tensor& b) {
    return at::isFloatingType(a.scalar_type()) ? a / b : at::div(a, b, "trunc");
  });
  t["DivNoNan"] = binary(
      [](const Tensor& a, const Tensor& b) { return at::where(b == 0, at::zeros_like(a), a / b); });
  t["FloorDiv"] = binary([](const Tensor& a, const Tensor& b) { return at::div(a, b, "floor"); });
  t["FloorMod"] = binary([](const Tensor& a, const Tensor& b) { return at::remainder(a, b); });
  t["Maximum"] = binary([](const Tensor& a, const Tensor& b) { return at::maximum(a, b); });
  t["Minimum"] = binary([](const Tensor& a, const Tensor& b) { return at::minimum(a, b); });
  t["Pow"] = binary([](const Tensor& a, const Tensor& b) { return at::pow(a, b); });
  t["SquaredDifference"] =
      binary([](const Tensor& a, const Tensor& b) { return (a - b) * (a - b); });
  t["Greater"] = binary([](const Tensor& a, const Tensor& b) { return a > b; });
  t["GreaterEqual"] = binary([](const Tensor& a, const Tensor& b) { return a >= b; });
  t["Less"] = binary([](const Tensor& a, const Tensor& b) { return a < b; });
  t["LessEqual"] = binary([](const Tensor& a, const Tensor& b) { return a <= b; });
  t["Equal"] = binary([](const Tensor& a, const Tensor& b) { return a == b; });
  t["NotEqual"] = binary([](const Tensor& a, const Tensor& b) { return a != b; });
  t["LogicalAnd"] = binary([](const Tensor& a, const Tensor& b) { return at::logical_and(a, b); });
  t["LogicalOr"] = binary([](const Tensor& a, const Tensor& b) { return at::logical_or(a, b); });
  t["Prelu"] = binary(
      [](const Tensor& x, const Tensor& alpha) { return at::relu(x) - alpha * at::relu(-x); });

  t["Cast"] = [](const OpCall& c) -> Values {
    need_inputs(c, 1);
    return {{c.in[0].t.to(scalar_type(c, attr_type(c.node, "DstT"))), c.in[0].nchw}};
  };
  t["Conv2D"] = [](const OpCall& c) { return convolution(c, false, false); };
  t["_FusedConv2D"] = [](const OpCall& c) { return convolution(c, false, true); };
  t["DepthwiseConv2dNative"] = [](const OpCall& c) { return convolution(c, true, false); };
  t["FusedDepthwiseConv2dNative"] = [](const OpCall& c) { return convolution(c, true, true); };
  t["MaxPool"] = [](const OpCall& c) { return pooling(c, true); };
  t["AvgPool"] = [](const OpCall& c) { return pooling(c, false); };
  t["FusedBatchNorm"] = batch_norm;
  t["FusedBatchNormV2"] = batch_norm;
  t["FusedBatchNormV3"] = batch_norm;
  t["ResizeBilinear"] = [](const OpCall& c) { return resize(c, false); };
  t["ResizeNearestNeighbor"] = [](const OpCall& c) { return resize(c, true); };

  t["Reshape"] = [](const OpCall& c) -> Values {
    need_inputs(c, 2);
    return plain(tf_layout(c.in[0]).reshape(int_list(tf_layout(c.in[1]))));
  };
  t["Squeeze"] = [](const OpCall& c) -> Values {
    need_inputs(c, 1);
    Tensor x = tf_layout(c.in[0]);
    auto dims = attr_ints_or(c.node, "squeeze_dims", {});
    if (dims.empty()) return plain(x.squeeze());
    for (auto& d : dims) d = norm_axis(c, d, x.dim());
    std::sort(dims.rbegin(), dims.rend());
    for (auto d : dims) x = x.squeeze(d);
    return plain(x);
  };
  t["ExpandDims"] = [](const OpCall& c) -> Values {
    need_inputs(c, 2);
    const Tensor x = tf_layout(c.in[0]);
    return plain(x.unsqueeze(norm_axis(c, scalar_int(c, 1), x.dim() + 1)));
  };
  t["Transpose"] = [](const OpCall& c) -> Values {
    need_inputs(c, 2);
    return plain(tf_layout(c.in[0]).permute(int_list(tf_layout(c.in[1]))));
  };
  t["Tile"] = [](const OpCall& c) -> Values {
    need_inputs(c, 2);
    return plain(tf_layout(c.in[0]).repeat(int_list(tf_layout(c.in[1]))));
  };
  t["Shape"] = [](const OpCall& c) -> Values {
    need_inputs(c, 1);
    const Tensor input = tf_layout(c.in[0]);  // sizes() points into it: keep it alive
    const auto sizes = input.sizes();
    return plain(
        at::tensor(std::vector<std::int64_t>(sizes.begin(), sizes.end()), at::kLong).to(at::kInt));
  };
  t["Fill"] = [](const OpCall& c) -> Values {
    need_inputs(c, 2);
    const Tensor value = tf_layout(c.in[1]);
    return plain(at::full(int_list(tf_layout(c.in[0])), value.item(), value.options()));
  };
  t["Size"] = [](const OpCall& c) -> Values {
    need_inputs(c, 1);
    return plain(at::scalar_tensor(c.in[0].t.numel(), at::kLong).to(at::kInt));
  };
  t["AddN"] = [](const OpCall& c) -> Values {
    need_inputs(c, 1);
    bool any_nchw = false;
    for (const auto& v : c.in) any_nchw |= v.nchw;
    Tensor sum = any_nchw ? as_nchw_operand(c, c.in[0]) : c.in[0].t;
    for (std::size_t i = 1; i < c.in.size(); ++i)
      sum = sum + (any_nchw ? as_nchw_operand(c, c.in[i]) : c.in[i].t);
    return {{sum, any_nchw}};
  };
  t["ZerosLike"] = unary([](const Tensor& x) { return at::zeros_like(x); });
  t["OnesLike"] = unary([](const Tensor& x) { return at::ones_like(x); });
  t["Range"] = [](const OpCall& c) -> Values {
    need_inputs(c, 3);
    const Tensor start = tf_layout(c.in[0]);
    return plain(at::arange(start.item(), tf_layout(c.in[1]).item(), tf_layout(c.in[2]).item(),
                            start.options()));
  };
  t["DepthToSpace"] = [](const OpCall& c) -> Values {
    need_inputs(c, 1);
    check_nhwc(c);
    const Tensor x = tf_layout(c.in[0]);
    const std::int64_t b = attr_int(c.node, "block_size");
    if (x.dim() != 4 || b < 1 || x.size(3) % (b * b) != 0)
      throw op_error(c.node,
                     "DepthToSpace needs a 4-D input whose channels divide by block_size^2");
    const auto n = x.size(0), h = x.size(1), w = x.size(2), ch = x.size(3) / (b * b);
    return plain(
        x.reshape({n, h, w, b, b, ch}).permute({0, 1, 3, 2, 4, 5}).reshape({n, h * b, w * b, ch}));
  };
  t["StridedSlice"] = strided_slice;
  t["Slice"] = [](const OpCall& c) -> Values {
    need_inputs(c, 3);
    Tensor x = tf_layout(c.in[0]);
    const auto begin = int_list(tf_layout(c.in[1]));
    const auto size = int_list(tf_layout(c.in[2]));
    if (static_cast<std::int64_t>(begin.size()) != x.dim() || size.size() != begin.size())
      throw op_error(c.node, "Slice begin/size do not match the rank");
    for (std::int64_t d = 0; d < x.dim(); ++d) {
      const std::int64_t len = size[d] < 0 ? x.size(d) - begin[d] : size[d];
      if (begin[d] < 0 || len < 0 || begin[d] + len > x.size(d))
        throw op_error(c.node, "Slice out of range");
      x = x.narrow(d, begin[d], len);
    }
    return plain(x);
  };
  t["GatherV2"] = gather;
  t["GatherNd"] = gather_nd;
  t["ConcatV2"] = [](const OpCall& c) { return concat(c, true); };
  t["Concat"] = [](const OpCall& c) { return concat(c, false); };
  t["Pack"] = pack;
  t["Unpack"] = unpack;
  t["Split"] = split;
  t["ArgMax"] = [](const OpCall& c) { return arg_max(c, true); };
  t["ArgMin"] = [](const OpCall& c) { return arg_max(c, false); };
  t["TopKV2"] = top_k;
  t["Sum"] = reduction(Reduce::kSum);
  t["Mean"] = reduction(Reduce::kMean);
  t["Max"] = reduction(Reduce::kMax);
  t["Min"] = reduction(Reduce::kMin);
  t["Prod"] = reduction(Reduce::kProd);
  t["All"] = reduction(Reduce::kAll);
  t["Any"] = reduction(Reduce::kAny);
  t["Select"] = [](const OpCall& c) { return select(c, false); };
  t["SelectV2"] = [](const OpCall& c) { return select(c, true); };
  t["Pad"] = [](const OpCall& c) { return pad(c, false); };
  t["PadV2"] = [](const OpCall& c) { return pad(c, true); };
  t["Softmax"] = [](const OpCall& c) -> Values {
    need_inputs(c, 1);
    return plain(at::softmax(tf_layout(c.in[0]), -1));
  };
  return t;
}

}  // namespace

const std::map<std::string, OpFn>& op_table() {
  static const std::map<std::string, OpFn> table = build_table();
  return table;
}

at::Tensor tf_layout(const Value& v) { return v.nchw ? v.t.permute({0, 2, 3, 1}) : v.t; }

at::Tensor aten_filter(const at::Tensor& tf_filter, bool depthwise) {
  if (tf_filter.dim() != 4)
    throw Error("convolution filter is not 4-D").found(std::to_string(tf_filter.dim()) + "-D");
  if (!depthwise) return tf_filter.permute({3, 2, 0, 1}).contiguous();
  const auto kh = tf_filter.size(0), kw = tf_filter.size(1), in = tf_filter.size(2),
             mult = tf_filter.size(3);
  return tf_filter.permute({2, 3, 0, 1}).reshape({in * mult, 1, kh, kw}).contiguous();
}

bool is_convolution(const std::string& op) {
  return op == "Conv2D" || op == "_FusedConv2D" || is_depthwise(op);
}

bool is_depthwise(const std::string& op) {
  return op == "DepthwiseConv2dNative" || op == "FusedDepthwiseConv2dNative";
}

}  // namespace motioncue::vision::ops
