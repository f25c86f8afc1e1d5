#include "motioncue/vision/tfjs_graph.h"

#include <torch/torch.h>

#include <set>

#include "motioncue/core/error.h"
#include "motioncue/vision/tfjs_ops.h"

namespace motioncue::vision {

using ops::Value;
using ops::Values;

struct TfjsGraph::Impl {
  TfjsModel model;
  c10::Device device;
  std::map<std::string, int> index;
  std::vector<std::vector<std::pair<int, int>>> inputs;  // (node, output) per input
  std::vector<int> order;                                // topological
  std::vector<const ops::OpFn*> fns;
  std::vector<Value> constants;
  std::map<int, at::Tensor> filters;
  std::vector<int> placeholders;

  Impl(TfjsModel m, c10::Device d) : model(std::move(m)), device(d) {}

  std::vector<at::Tensor> execute(const std::map<int, at::Tensor>& feeds,
                                  const std::vector<std::string>& outputs,
                                  std::int64_t* multiply_adds = nullptr) const;

  Error error(const std::string& problem, const TfjsNode& node) const {
    return std::move(Error(problem).file(model.name).key("node " + node.name));
  }

  std::pair<int, int> resolve(const std::string& name) const {
    const auto [node, output] = split_input(name);
    auto it = index.find(node);
    if (it == index.end()) throw Error("no such node in the model").file(model.name).key(name);
    return {it->second, output};
  }

  void check_input(const TfjsNode& node, const at::Tensor& t) const {
    if (!node.attr.contains("shape") || !node.attr["shape"].is_object()) return;
    const auto& shape = node.attr["shape"];
    if (!shape.contains("shape") || !shape["shape"].is_object() || !shape["shape"].contains("dim"))
      return;
    const auto& dims = shape["shape"]["dim"];
    if (!dims.is_array()) return;
    auto describe = [&] {
      std::string s = "[";
      for (std::size_t i = 0; i < dims.size(); ++i) {
        const bool named = dims[i].is_object() && dims[i].contains("size");
        const auto size = !named                        ? std::string("-1")
                          : dims[i]["size"].is_string() ? dims[i]["size"].get<std::string>()
                                                        : dims[i]["size"].dump();
        s += (i ? ", " : "") + (size == "-1" ? std::string("?") : size);
      }
      return s + "]";
    };
    const auto found = [&] {
      std::string s = "[";
      for (std::int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
      return s + "]";
    };
    if (static_cast<std::int64_t>(dims.size()) != t.dim())
      throw error("input of the wrong shape", node).expected(describe()).found(found());
    for (std::size_t i = 0; i < dims.size(); ++i) {
      if (!dims[i].is_object() || !dims[i].contains("size")) continue;
      const auto& size = dims[i]["size"];
      const std::int64_t want =
          size.is_string() ? std::stoll(size.get<std::string>()) : size.get<std::int64_t>();
      if (want >= 0 && want != t.size(static_cast<std::int64_t>(i)))
        throw error("input of the wrong shape", node).expected(describe()).found(found());
    }
  }
};

namespace {

at::Tensor weight_tensor(const TfjsWeight& w) {
  if (w.dtype == TfDType::kFloat32)
    return torch::from_blob(const_cast<float*>(w.floats.data()), w.shape, at::kFloat).clone();
  auto t = torch::from_blob(const_cast<std::int32_t*>(w.ints.data()), w.shape, at::kInt).clone();
  return w.dtype == TfDType::kBool ? t.to(at::kBool) : t;
}

}  // namespace

TfjsGraph::TfjsGraph(TfjsModel model, c10::Device device)
    : impl_(std::make_unique<Impl>(std::move(model), device)) {
  auto& m = *impl_;
  const auto& nodes = m.model.nodes;
  for (std::size_t i = 0; i < nodes.size(); ++i) m.index[nodes[i].name] = static_cast<int>(i);

  std::set<std::string> unsupported;
  const TfjsNode* first_unsupported = nullptr;
  m.fns.assign(nodes.size(), nullptr);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& op = nodes[i].op;
    if (op == "Placeholder" || op == "Const" || op == "NoOp") continue;
    auto it = ops::op_table().find(op);
    if (it == ops::op_table().end()) {
      unsupported.insert(op);
      if (!first_unsupported) first_unsupported = &nodes[i];
    } else {
      m.fns[i] = &it->second;
    }
  }
  if (first_unsupported) {
    std::string list;
    for (const auto& op : unsupported) list += (list.empty() ? "" : ", ") + op;
    throw m.error("unsupported TensorFlow op", *first_unsupported).found(list);
  }

  m.inputs.resize(nodes.size());
  std::vector<int> pending(nodes.size(), 0);
  std::vector<std::vector<int>> consumers(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& in : nodes[i].inputs) {
      const auto source = m.resolve(in);
      m.inputs[i].push_back(source);
      consumers[source.first].push_back(static_cast<int>(i));
      ++pending[i];
    }
  }
  std::vector<int> ready;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (pending[i] == 0) ready.push_back(static_cast<int>(i));
  while (!ready.empty()) {
    const int n = ready.back();
    ready.pop_back();
    m.order.push_back(n);
    for (int c : consumers[n])
      if (--pending[c] == 0) ready.push_back(c);
  }
  if (m.order.size() != nodes.size()) throw Error("the graph has a cycle").file(m.model.name);

  m.constants.resize(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].op == "Placeholder") m.placeholders.push_back(static_cast<int>(i));
    if (nodes[i].op != "Const") continue;
    m.constants[i] = Value{weight_tensor(m.model.weights.at(nodes[i].name)).to(device), false};
  }
  // Filters are brought to ATen's layout once, here, not on every run.
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!ops::is_convolution(nodes[i].op) || m.inputs[i].size() < 2) continue;
    const int source = m.inputs[i][1].first;
    if (nodes[source].op != "Const") continue;
    try {
      m.filters[static_cast<int>(i)] =
          ops::aten_filter(m.constants[source].t, ops::is_depthwise(nodes[i].op));
    } catch (const Error& e) {
      throw m.error(e.problem(), nodes[i]);
    }
  }
}

// Runs what `outputs` need, with `feeds` (node -> value, TensorFlow layout) as those nodes'
// outputs.
std::vector<at::Tensor> TfjsGraph::Impl::execute(const std::map<int, at::Tensor>& feeds,
                                                 const std::vector<std::string>& outputs,
                                                 std::int64_t* multiply_adds) const {
  const auto& m = *this;
  const auto& nodes = m.model.nodes;
  std::vector<std::pair<int, int>> wanted;
  for (const auto& name : outputs) wanted.push_back(m.resolve(name));

  // Only what the requested outputs depend on runs; a value is dropped after its last use.
  std::vector<char> needed(nodes.size(), 0);
  std::vector<int> stack;
  for (const auto& w : wanted) stack.push_back(w.first);
  while (!stack.empty()) {
    const int n = stack.back();
    stack.pop_back();
    if (needed[n]) continue;
    needed[n] = 1;
    if (feeds.count(n)) continue;
    for (const auto& in : m.inputs[n]) stack.push_back(in.first);
  }
  std::vector<int> uses(nodes.size(), 0);
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (needed[i] && !feeds.count(static_cast<int>(i)))
      for (const auto& in : m.inputs[i]) ++uses[in.first];
  for (const auto& w : wanted) ++uses[w.first];

  std::vector<Values> values(nodes.size());
  for (const int n : m.order) {
    if (!needed[n]) continue;
    const auto& node = nodes[n];
    if (const auto fed = feeds.find(n); fed != feeds.end()) {
      const at::Tensor& t = fed->second;
      if (t.dim() == 4) {
        // NHWC -> NCHW: the one layout change on the way in.
        values[n] = {Value{t.permute({0, 3, 1, 2}).contiguous(), true}};
      } else {
        values[n] = {Value{t, false}};
      }
      continue;
    }
    if (node.op == "Placeholder")
      throw m.error("the outputs need this input, and it is not fed", node);
    if (node.op == "Const") {
      values[n] = {m.constants[n]};
      continue;
    }
    if (node.op == "NoOp") continue;
    Values in;
    in.reserve(m.inputs[n].size());
    for (const auto& [source, output] : m.inputs[n]) {
      if (output >= static_cast<int>(values[source].size()))
        throw m.error("input names a missing output", node)
            .found(nodes[source].name + ":" + std::to_string(output));
      in.push_back(values[source][output]);
    }
    auto filter = m.filters.find(n);
    try {
      values[n] =
          (*m.fns[n])(ops::OpCall{node, in, filter == m.filters.end() ? nullptr : &filter->second});
    } catch (const Error& e) {
      throw Error(e.what()).file(m.model.name);  // the op's message already names the node
    } catch (const c10::Error& e) {
      throw m.error("the op failed", node).found(e.what_without_backtrace());
    }
    if (multiply_adds && filter != m.filters.end() && !values[n].empty()) {
      // Per output element, a filter slice (in/groups x kh x kw in ATen's layout).
      const auto& out = values[n][0].t;
      const auto& f = filter->second;
      if (out.dim() == 4 && out.size(0) > 0)
        *multiply_adds += out.numel() / out.size(0) * f.size(1) * f.size(2) * f.size(3);
    }
    for (const auto& [source, output] : m.inputs[n])
      if (--uses[source] == 0) values[source].clear();
  }

  std::vector<at::Tensor> out;
  for (const auto& [node, output] : wanted) {
    if (output >= static_cast<int>(values[node].size()))
      throw Error("output index out of range").file(m.model.name).key(nodes[node].name);
    out.push_back(ops::tf_layout(values[node][output]).contiguous());
  }
  return out;
}

TfjsGraph::~TfjsGraph() = default;
TfjsGraph::TfjsGraph(TfjsGraph&&) noexcept = default;
TfjsGraph& TfjsGraph::operator=(TfjsGraph&&) noexcept = default;

const TfjsModel& TfjsGraph::model() const { return impl_->model; }
c10::Device TfjsGraph::device() const { return impl_->device; }

std::vector<at::Tensor> TfjsGraph::run(const std::vector<at::Tensor>& inputs,
                                       const std::vector<std::string>& outputs) const {
  const auto& m = *impl_;
  if (inputs.size() != m.placeholders.size())
    throw Error("wrong number of inputs for the model")
        .file(m.model.name)
        .expected(std::to_string(m.placeholders.size()))
        .found(std::to_string(inputs.size()));
  std::map<int, at::Tensor> feeds;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const int n = m.placeholders[k];
    const at::Tensor t = inputs[k].to(m.device);
    m.check_input(m.model.nodes[n], t);
    feeds[n] = t;
  }
  return m.execute(feeds, outputs.empty() ? m.model.outputs : outputs);
}

std::vector<at::Tensor> TfjsGraph::run_from(const std::map<std::string, at::Tensor>& feeds,
                                            const std::vector<std::string>& outputs,
                                            std::int64_t* multiply_adds) const {
  const auto& m = *impl_;
  std::map<int, at::Tensor> by_node;
  for (const auto& [name, value] : feeds) {
    const auto [node, output] = m.resolve(name);
    if (output != 0)
      throw Error("only a node's first output can be fed").file(m.model.name).key(name);
    by_node[node] = value.to(m.device);
  }
  return m.execute(by_node, outputs.empty() ? m.model.outputs : outputs, multiply_adds);
}

std::vector<std::pair<std::string, at::Tensor>> TfjsGraph::weights() const {
  const auto& m = *impl_;
  const auto& nodes = m.model.nodes;
  // For every constant: how many consumers read it as a prepared filter, how many otherwise.
  std::vector<int> as_filter(nodes.size(), 0), as_operand(nodes.size(), 0);
  std::vector<int> filter_user(nodes.size(), -1);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (std::size_t k = 0; k < m.inputs[i].size(); ++k) {
      const int source = m.inputs[i][k].first;
      if (k == 1 && m.filters.count(static_cast<int>(i))) {
        ++as_filter[source];
        filter_user[source] = static_cast<int>(i);
      } else {
        ++as_operand[source];
      }
    }
  }
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].op != "Const") continue;
    const auto& t = m.constants[i].t;
    if (!t.defined() || !t.is_floating_point() || t.numel() <= 1) continue;
    if (as_filter[i] == 1 && as_operand[i] == 0)
      out.emplace_back(nodes[i].name, m.filters.at(filter_user[i]));
    else if (as_filter[i] == 0 && as_operand[i] > 0)
      out.emplace_back(nodes[i].name, t);
  }
  return out;
}

std::vector<std::string> TfjsGraph::supported_ops() {
  std::vector<std::string> names{"Const", "NoOp", "Placeholder"};
  for (const auto& [name, fn] : ops::op_table()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace motioncue::vision
