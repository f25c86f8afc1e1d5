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
        const auto size =
            dims[i].is_object() ? dims[i].value("size", std::string("-1")) : std::string("-1");
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

TfjsGraph::~TfjsGraph() = default;
TfjsGraph::TfjsGraph(TfjsGraph&&) noexcept = default;
TfjsGraph& TfjsGraph::operator=(TfjsGraph&&) noexcept = default;

const TfjsModel& TfjsGraph::model() const { return impl_->model; }
c10::Device TfjsGraph::device() const { return impl_->device; }

std::vector<at::Tensor> TfjsGraph::run(const std::vector<at::Tensor>& inputs,
                                       const std::vector<std::string>& outputs) const {
  const auto& m = *impl_;
  const auto& nodes = m.model.nodes;
  if (inputs.size() != m.placeholders.size())
    throw Error("wrong number of inputs for the model")
        .file(m.model.name)
        .expected(std::to_string(m.placeholders.size()))
        .found(std::to_string(inputs.size()));

  std::vector<std::pair<int, int>> wanted;
  for (const auto& name : outputs.empty() ? m.model.outputs : outputs)
    wanted.push_back(m.resolve(name));

  // Only what the requested outputs depend on runs; a value is dropped after its last use.
  std::vector<char> needed(nodes.size(), 0);
  std::vector<int> stack;
  for (const auto& w : wanted) stack.push_back(w.first);
  while (!stack.empty()) {
    const int n = stack.back();
    stack.pop_back();
    if (needed[n]) continue;
    needed[n] = 1;
    for (const auto& in : m.inputs[n]) stack.push_back(in.first);
  }
  std::vector<int> uses(nodes.size(), 0);
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (needed[i])
      for (const auto& in : m.inputs[i]) ++uses[in.first];
  for (const auto& w : wanted) ++uses[w.first];

  std::vector<Values> values(nodes.size());
  for (const int n : m.order) {
    if (!needed[n]) continue;
    const auto& node = nodes[n];
    if (node.op == "Placeholder") {
      const auto k =
          std::find(m.placeholders.begin(), m.placeholders.end(), n) - m.placeholders.begin();
      const at::Tensor t = inputs[k].to(m.device);
      m.check_input(node, t);
      if (t.dim() == 4) {
        values[n] = {
            Value{t.permute({0, 3, 1, 2}).contiguous(), true}};  // the one layout change in
      } else {
        values[n] = {Value{t, false}};
      }
      continue;
    }
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

std::vector<std::string> TfjsGraph::supported_ops() {
  std::vector<std::string> names{"Const", "NoOp", "Placeholder"};
  for (const auto& [name, fn] : ops::op_table()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace motioncue::vision
