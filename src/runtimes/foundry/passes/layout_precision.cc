// Precision and layout. Every op states what it needs of each input (a layout, a dtype, or "anything, the
// kernel reads strides and converts"); where the producer gives something else, one Copy node converts,
// shared by all consumers that need the same format.
#include <cstring>
#include <map>
#include <tuple>

#include "core/error.h"
#include "core/float16.h"
#include "runtimes/foundry/passes/passes.h"

namespace inferfoundry::foundry {
namespace {

bool is_float(DType t) { return t == DType::kFloat32 || t == DType::kFloat16; }

struct Need {
  bool any_layout = false;
  Layout layout = Layout::kPlain;
  bool any_dtype = false;
  DType dtype = DType::kFloat32;
};

Tensor converted_tensor(const Tensor& in, DType dtype) {
  Tensor out(in.name(), dtype, in.shape());
  for (int64_t k = 0; k < in.element_count(); ++k) {
    const double v = in.value_at(k);
    if (dtype == DType::kFloat16)
      out.data<uint16_t>()[k] = float_to_half(static_cast<float>(v));
    else
      out.data<float>()[k] = static_cast<float>(v);
  }
  return out;
}

// [K, C, R, S] -> [K, R, S, C], the filter order cuDNN calls NHWC.
Tensor to_krsc(const Tensor& w) {
  const Shape& s = w.shape();
  Tensor out(w.name(), w.dtype(), s);
  const size_t element = dtype_size(w.dtype());
  const int64_t K = s[0], C = s[1], R = s[2], S = s[3];
  for (int64_t k = 0; k < K; ++k)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t r = 0; r < R; ++r)
        for (int64_t q = 0; q < S; ++q) {
          const int64_t from = ((k * C + c) * R + r) * S + q, to = ((k * R + r) * S + q) * C + c;
          std::memcpy(out.bytes().data() + to * element, w.bytes().data() + from * element, element);
        }
  return out;
}

// A Copy node that moves every element of `in_id` to the same index of `out_id`; the kernel converts
// layout and type on the way when the two values differ in them.
Node element_copy_node(const Graph& graph, int in_id, int out_id) {
  Node copy;
  copy.op = "Copy";
  copy.name = graph.values[static_cast<size_t>(out_id)].name;
  copy.inputs = {in_id};
  copy.outputs = {out_id};
  std::vector<int64_t> identity;
  for (size_t k = 0; k < graph.values[static_cast<size_t>(in_id)].shape.size(); ++k)
    identity.push_back(static_cast<int64_t>(k));
  copy.attrs["map_axis"] = identity;
  copy.attrs["start"] = std::vector<int64_t>(identity.size(), 0);
  copy.attrs["step"] = std::vector<int64_t>(identity.size(), 1);
  return copy;
}

class Formatter {
 public:
  Formatter(Graph& graph, const FormatOptions& options) : graph_(graph), options_(options) {}

  void run() {
    compute_ = options_.fp16 ? DType::kFloat16 : DType::kFloat32;
    for (int out : graph_.outputs) original_dtype_.push_back(value(out).dtype);
    set_runtime_dtypes();
    std::vector<Node> nodes = std::move(graph_.nodes);
    graph_.nodes.clear();
    for (Node& node : nodes) {
      format_node(node);
      graph_.nodes.push_back(std::move(node));
    }
    convert_outputs();
  }

 private:
  void set_runtime_dtypes() {
    for (const Node& node : graph_.nodes) {
      for (int out : node.outputs) {
        if (out >= 0 && is_float(graph_.values[out].dtype)) graph_.values[out].dtype = compute_;
      }
    }
  }

  Value& value(int id) { return graph_.values[id]; }

  int convert(int id, const Need& need) {
    const Value& v = value(id);
    const Layout layout = need.any_layout ? v.layout : need.layout;
    const DType dtype = need.any_dtype ? v.dtype : need.dtype;
    if (layout == v.layout && dtype == v.dtype) return id;
    if (v.alias_of < 0 && !v.is_constant() && layout != v.layout && dtype == v.dtype && same_memory_order(v)) {
      // NHWC and plain coincide when H*W == 1 or C == 1: relabel through an alias, no copy.
      return make_alias_view(id, layout);
    }
    const auto key = std::make_tuple(id, layout, dtype);
    if (const auto it = conversions_.find(key); it != conversions_.end()) return it->second;
    Value out{
        .name = v.name + (layout == Layout::kNhwc ? "/nhwc" : "/nchw") + (dtype == DType::kFloat16 ? "_fp16" : "_fp32"),
        .dtype = dtype,
        .shape = v.shape,
        .layout = layout};
    const int out_id = graph_.add_value(std::move(out));
    Node copy = element_copy_node(graph_, id, out_id);
    copy.fused.push_back("format conversion");
    graph_.nodes.push_back(std::move(copy));
    conversions_[key] = out_id;
    return out_id;
  }

  bool same_memory_order(const Value& v) const {
    return v.shape.size() == 4 && (v.shape[2] * v.shape[3] == 1 || v.shape[1] == 1);
  }

  int make_alias_view(int id, Layout layout) {
    const auto key = std::make_tuple(id, layout, value(id).dtype);
    if (const auto it = conversions_.find(key); it != conversions_.end()) return it->second;
    Value view{.name = value(id).name + "/view", .dtype = value(id).dtype, .shape = value(id).shape, .layout = layout};
    view.alias_of = id;
    const int view_id = graph_.add_value(std::move(view));
    Node alias;
    alias.op = "Alias";
    alias.name = value(view_id).name;
    alias.inputs = {id};
    alias.outputs = {view_id};
    graph_.nodes.push_back(std::move(alias));
    conversions_[key] = view_id;
    return view_id;
  }

  void require(Node& node, size_t k, const Need& need) {
    if (k < node.inputs.size() && node.inputs[k] >= 0) node.inputs[k] = convert(node.inputs[k], need);
  }

  void convert_weight(Node& node, size_t k, bool krsc) {
    if (k >= node.inputs.size() || node.inputs[k] < 0) return;
    const Value& w = value(node.inputs[k]);
    Tensor t = converted_tensor(*w.constant, compute_);
    if (krsc) t = to_krsc(t);
    Value nv{.name = w.name + (krsc ? "/krsc" : "/w"),
             .dtype = compute_,
             .shape = w.shape,
             .layout = krsc ? Layout::kNhwc : Layout::kPlain};
    nv.constant = std::move(t);
    node.inputs[k] = graph_.add_value(std::move(nv));
  }

  Layout first_matching_layout(const Node& node) {
    const Shape& out = value(node.outputs[0]).shape;
    for (int in : node.inputs) {
      if (in >= 0 && !value(in).is_constant() && value(in).shape == out) return value(in).layout;
    }
    return Layout::kPlain;
  }

  void format_node(Node& node) {
    const std::string& op = node.op;
    const Need compute_plain{.dtype = compute_};
    const Need compute_any_layout{.any_layout = true, .dtype = compute_};
    const Need anything{.any_layout = true, .any_dtype = true};
    Layout out_layout = Layout::kPlain;
    if (op == "Conv") {
      out_layout = options_.nhwc ? Layout::kNhwc : Layout::kPlain;
      require(node, 0, {.layout = out_layout, .dtype = compute_});
      require(node, 3, {.layout = out_layout, .dtype = compute_});
      convert_weight(node, 1, options_.nhwc);
      convert_weight(node, 2, false);
    } else if (op == "Gemm") {
      require(node, 0, compute_plain);
      convert_weight(node, 1, false);
      convert_weight(node, 2, false);
    } else if (op == "Pool") {
      require(node, 0, compute_any_layout);
      out_layout = value(node.inputs[0]).layout;
    } else if (op == "Reduce") {
      const bool spatial =
          node.attr_ints("axes") == std::vector<int64_t>{2, 3} && value(node.inputs[0]).shape.size() == 4;
      require(node, 0, spatial ? compute_any_layout : compute_plain);
      out_layout = spatial ? value(node.inputs[0]).layout : Layout::kPlain;
    } else if (op == "Elementwise") {
      for (size_t k = 0; k < node.inputs.size(); ++k) require(node, k, anything);
      out_layout = first_matching_layout(node);
    } else if (op == "Concat") {
      for (size_t k = 0; k < node.inputs.size(); ++k) require(node, k, anything);
      out_layout = value(node.outputs[0]).shape.size() == 4 ? first_matching_layout_of_rank4(node) : Layout::kPlain;
    } else if (op == "Copy") {
      require(node, 0, anything);
    } else if (op == "Alias") {
      require(node, 0, {.dtype = value(node.outputs[0]).dtype});
      value(node.outputs[0]).alias_of = node.inputs[0];
    } else {  // Softmax, Gather, Pad
      require(node, 0, compute_plain);
    }
    for (int out : node.outputs) {
      if (out >= 0) value(out).layout = value(out).shape.size() == 4 ? out_layout : Layout::kPlain;
    }
  }

  Layout first_matching_layout_of_rank4(const Node& node) {
    for (int in : node.inputs)
      if (in >= 0 && !value(in).is_constant()) return value(in).layout;
    return Layout::kPlain;
  }

  void convert_outputs() {
    for (size_t k = 0; k < graph_.outputs.size(); ++k) {
      const int id = graph_.outputs[k];
      const DType wanted = original_dtype_.at(k);
      const bool passthrough = is_graph_input(id) || value(id).is_constant();
      if (value(id).layout == Layout::kPlain && value(id).dtype == wanted && !passthrough) continue;
      const std::string name = value(id).name;
      if (value(id).is_constant()) {
        graph_.outputs[k] = constant_output(id, wanted, name);
        continue;
      }
      if (!is_float(value(id).dtype)) {
        fail(ErrorKind::kRuntime, "foundry cannot build this model: output '{}' passes a runtime {} input through",
             name, dtype_name(value(id).dtype));
      }
      const bool only_copy = value(id).layout == Layout::kPlain && value(id).dtype == wanted;
      const int converted = only_copy ? force_copy(id) : convert(id, {.layout = Layout::kPlain, .dtype = wanted});
      value(id).name = name + "/internal";
      value(converted).name = name;
      graph_.outputs[k] = converted;
    }
  }

  // An output the build computed entirely (shape arithmetic, folded constants): its own constant value in the
  // model's dtype, read back from the weight block; no kernel.
  int constant_output(int id, DType wanted, const std::string& name) {
    const Tensor& data = *value(id).constant;
    Tensor copy = data.dtype() == wanted || !is_float(wanted) ? data : converted_tensor(data, wanted);
    copy.set_name(name);
    value(id).name = name + "/internal";
    Value out{.name = name, .dtype = copy.dtype(), .shape = copy.shape()};
    out.constant = std::move(copy);
    return graph_.add_value(std::move(out));
  }

  int force_copy(int id) {
    const DType dtype = value(id).dtype;
    Value out{.name = value(id).name + "/copy", .dtype = dtype, .shape = value(id).shape};
    const int out_id = graph_.add_value(std::move(out));
    Node copy = element_copy_node(graph_, id, out_id);
    graph_.nodes.push_back(std::move(copy));
    return out_id;
  }

  bool is_graph_input(int id) const {
    for (int in : graph_.inputs)
      if (in == id) return true;
    return false;
  }

  Graph& graph_;
  const FormatOptions& options_;
  DType compute_ = DType::kFloat32;
  std::map<std::tuple<int, Layout, DType>, int> conversions_;
  std::vector<DType> original_dtype_;  // of each graph output, as the model declares it
};

}  // namespace

void assign_formats(Graph& graph, const FormatOptions& options) { Formatter(graph, options).run(); }

}  // namespace inferfoundry::foundry
