#include "runtimes/foundry/passes/shape_inference.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"
#include "runtimes/foundry/ops/constant_eval.h"
#include "runtimes/foundry/ops/onnx_semantics.h"

namespace inferfoundry::foundry {
namespace {

const std::set<std::string> kSameShapeOps = {"Relu",
                                             "Sigmoid",
                                             "Tanh",
                                             "Exp",
                                             "Log",
                                             "Sqrt",
                                             "Neg",
                                             "Abs",
                                             "Erf",
                                             "Clip",
                                             "LeakyRelu",
                                             "HardSigmoid",
                                             "HardSwish",
                                             "Elu",
                                             "Softplus",
                                             "Reciprocal",
                                             "Floor",
                                             "Ceil",
                                             "Identity",
                                             "Dropout",
                                             "Softmax",
                                             "LogSoftmax",
                                             "BatchNormalization",
                                             "Sin",
                                             "Cos",
                                             "Not",
                                             "Selu",
                                             "Mish",
                                             "Gelu",
                                             "Round",
                                             "Sign"};
const std::set<std::string> kBroadcastOps = {
    "Add",   "Sub",   "Mul",   "Div",  "Pow",     "Max",         "Min",
    "Sum",   "Mean",  "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
    "Where", "PRelu", "And",   "Or"};
const std::set<std::string> kBoolResultOps = {"Equal",          "Less", "Greater", "LessOrEqual",
                                              "GreaterOrEqual", "Not",  "And",     "Or"};
const std::set<std::string> kFoldOnlyOps = {"Shape",   "Size",        "ConstantOfShape", "Range", "Equal", "Less",
                                            "Greater", "LessOrEqual", "GreaterOrEqual",  "Where", "Not",   "And",
                                            "Or",      "Cast",        "Floor",           "Ceil",  "Round", "Sign"};

class Inference {
 public:
  explicit Inference(Graph& graph) : graph_(graph) {}

  int run() {
    int folded = 0;
    for (Node& node : graph_.nodes) {
      if (!inputs_known(node)) continue;
      if (!infer(node)) continue;
      if (try_fold(node)) ++folded;
    }
    return folded;
  }

 private:
  bool inputs_known(const Node& node) const {
    for (int in : node.inputs) {
      if (in >= 0 && graph_.values[in].dtype == DType::kUndefined) return false;
    }
    return true;
  }

  const Value& in(const Node& node, size_t k) const {
    const int id = node.input(k);
    if (id < 0) fail(ErrorKind::kInput, "node '{}' ({}): input {} is missing", node.name, node.op, k);
    return graph_.values[id];
  }

  void set_out(const Node& node, size_t k, DType dtype, Shape shape) {
    if (k >= node.outputs.size() || node.outputs[k] < 0) return;
    for (int64_t dim : shape) {
      if (dim < 0)
        fail(ErrorKind::kInput, "node '{}' ({}): inferred a negative dimension in {}", node.name, node.op,
             format_shape(shape));
    }
    Value& value = graph_.values[node.outputs[k]];
    value.dtype = dtype;
    value.shape = std::move(shape);
  }

  // Returns false for ops this build does not know (outputs stay unknown).
  bool infer(const Node& node) {
    const std::string& op = node.op;
    if (node.inputs.empty() && op != "ConstantOfShape") return false;
    if (kSameShapeOps.count(op)) {
      set_out(node, 0, kBoolResultOps.count(op) ? DType::kBool : in(node, 0).dtype, in(node, 0).shape);
    } else if (op == "Cast") {
      const auto to = dtype_from_onnx(static_cast<int32_t>(node.attr_int("to", 0)));
      if (!to) fail(ErrorKind::kInput, "node '{}' (Cast): invalid 'to' type", node.name);
      set_out(node, 0, *to, in(node, 0).shape);
    } else if (kBroadcastOps.count(op)) {
      Shape shape = in(node, 0).shape;
      for (size_t k = 1; k < node.inputs.size(); ++k) shape = broadcast_shapes(node, shape, in(node, k).shape);
      const DType dtype = op == "Where" ? in(node, 1).dtype : in(node, 0).dtype;
      set_out(node, 0, kBoolResultOps.count(op) ? DType::kBool : dtype, shape);
    } else if (op == "Conv") {
      infer_conv(node);
    } else if (op == "MaxPool" || op == "AveragePool") {
      const Shape& x = in(node, 0).shape;
      if (x.size() < 3) fail(ErrorKind::kInput, "node '{}' ({}): input must have rank >= 3", node.name, op);
      const Window w = resolve_window(node, x, node.attr_ints("kernel_shape"), node.attr_int("ceil_mode", 0) != 0);
      Shape out = {x[0], x[1]};
      out.insert(out.end(), w.out_spatial.begin(), w.out_spatial.end());
      set_out(node, 0, in(node, 0).dtype, out);
    } else if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
      Shape out = in(node, 0).shape;
      if (out.size() < 3) fail(ErrorKind::kInput, "node '{}' ({}): input must have rank >= 3", node.name, op);
      std::fill(out.begin() + 2, out.end(), 1);
      set_out(node, 0, in(node, 0).dtype, out);
    } else if (op == "Gemm") {
      const Shape& a = in(node, 0).shape;
      const Shape& b = in(node, 1).shape;
      if (a.size() != 2 || b.size() != 2)
        fail(ErrorKind::kInput, "node '{}' (Gemm): inputs must be matrices", node.name);
      const int64_t m = node.attr_int("transA", 0) ? a[1] : a[0];
      const int64_t ka = node.attr_int("transA", 0) ? a[0] : a[1];
      const int64_t kb = node.attr_int("transB", 0) ? b[1] : b[0];
      const int64_t n = node.attr_int("transB", 0) ? b[0] : b[1];
      if (ka != kb) fail(ErrorKind::kInput, "node '{}' (Gemm): inner dimensions {} and {} differ", node.name, ka, kb);
      set_out(node, 0, in(node, 0).dtype, {m, n});
    } else if (op == "MatMul") {
      infer_matmul(node);
    } else if (op == "Flatten") {
      const Shape& x = in(node, 0).shape;
      // Flatten's axis may equal the rank (everything in the outer dimension); negative counts from the rank.
      const auto rank = static_cast<int64_t>(x.size());
      int64_t axis = node.attr_int("axis", 1);
      if (axis < -rank || axis > rank)
        fail(ErrorKind::kInput, "node '{}' (Flatten): axis {} is out of range for rank {}", node.name, axis, rank);
      if (axis < 0) axis += rank;
      const int64_t outer = element_count(Shape(x.begin(), x.begin() + axis));
      set_out(node, 0, in(node, 0).dtype, {outer, element_count(x) / std::max<int64_t>(outer, 1)});
    } else if (op == "Reshape") {
      infer_reshape(node);
    } else if (op == "Squeeze" || op == "Unsqueeze") {
      infer_squeeze(node);
    } else if (op == "Transpose") {
      const Shape& x = in(node, 0).shape;
      std::vector<int64_t> perm = node.attr_ints("perm");
      if (perm.empty()) {
        for (int64_t k = static_cast<int64_t>(x.size()) - 1; k >= 0; --k) perm.push_back(k);
      }
      if (perm.size() != x.size())
        fail(ErrorKind::kInput, "node '{}' (Transpose): perm does not match rank", node.name);
      Shape out;
      for (int64_t p : perm) out.push_back(x[normalize_axis(node, p, static_cast<int64_t>(x.size()))]);
      set_out(node, 0, in(node, 0).dtype, out);
    } else if (op == "Concat") {
      Shape out = in(node, 0).shape;
      const int64_t axis = normalize_axis(node, node.attr_int("axis", 0), static_cast<int64_t>(out.size()));
      for (size_t k = 1; k < node.inputs.size(); ++k) {
        const Shape& s = in(node, k).shape;
        if (s.size() != out.size()) fail(ErrorKind::kInput, "node '{}' (Concat): inputs differ in rank", node.name);
        for (size_t d = 0; d < s.size(); ++d) {
          if (static_cast<int64_t>(d) != axis && s[d] != out[d])
            fail(ErrorKind::kInput, "node '{}' (Concat): inputs differ off the axis", node.name);
        }
        out[axis] += s[axis];
      }
      set_out(node, 0, in(node, 0).dtype, out);
    } else if (op == "Shape") {
      infer_shape_op(node);
    } else if (op == "Size") {
      set_out(node, 0, DType::kInt64, {});
    } else if (op == "Gather") {
      const Shape& x = in(node, 0).shape;
      const int64_t axis = normalize_axis(node, node.attr_int("axis", 0), static_cast<int64_t>(x.size()));
      Shape out(x.begin(), x.begin() + axis);
      const Shape& indices = in(node, 1).shape;
      out.insert(out.end(), indices.begin(), indices.end());
      out.insert(out.end(), x.begin() + axis + 1, x.end());
      set_out(node, 0, in(node, 0).dtype, out);
    } else if (op == "Slice") {
      set_out(node, 0, in(node, 0).dtype, resolve_slice(graph_, node, in(node, 0).shape).out_shape);
    } else if (op == "ConstantOfShape") {
      const auto value = node.attr_floats("value", {0.0f, 1.0f});
      const auto dtype = dtype_from_onnx(static_cast<int32_t>(value.size() > 1 ? value[1] : 1.0f));
      set_out(node, 0, dtype.value_or(DType::kFloat32), constant_ints(graph_, node.input(0), node));
    } else if (op == "Range") {
      for (size_t k = 0; k < 3; ++k) {
        if (!in(node, k).is_constant() || in(node, k).constant->element_count() != 1) return false;
      }
      const auto start = to_doubles(*in(node, 0).constant), limit = to_doubles(*in(node, 1).constant),
                 delta = to_doubles(*in(node, 2).constant);
      if (delta.at(0) == 0) fail(ErrorKind::kInput, "node '{}' (Range): delta is 0", node.name);
      const auto count = static_cast<int64_t>(std::max(0.0, std::ceil((limit.at(0) - start.at(0)) / delta.at(0))));
      set_out(node, 0, in(node, 0).dtype, {count});
    } else if (op == "ReduceMean" || op == "ReduceSum" || op == "ReduceMax" || op == "ReduceMin") {
      infer_reduce(node);
    } else if (op == "Pad") {
      infer_pad(node);
    } else if (op == "Expand") {
      set_out(node, 0, in(node, 0).dtype,
              broadcast_shapes(node, in(node, 0).shape, constant_ints(graph_, node.input(1), node)));
    } else {
      return false;
    }
    return true;
  }

  void infer_conv(const Node& node) {
    const Shape& x = in(node, 0).shape;
    const Shape& w = in(node, 1).shape;
    if (x.size() < 3 || w.size() != x.size())
      fail(ErrorKind::kInput, "node '{}' (Conv): input and weight ranks must match and be >= 3", node.name);
    const int64_t group = node.attr_int("group", 1);
    if (group <= 0 || x[1] != w[1] * group || w[0] % group != 0) {
      fail(ErrorKind::kInput, "node '{}' (Conv): {} input channels do not match weight {} with group {}", node.name,
           x[1], format_shape(w), group);
    }
    const Window win = resolve_window(node, x, node.attr_ints("kernel_shape", Shape(w.begin() + 2, w.end())), false);
    Shape out = {x[0], w[0]};
    out.insert(out.end(), win.out_spatial.begin(), win.out_spatial.end());
    set_out(node, 0, in(node, 0).dtype, out);
  }

  void infer_matmul(const Node& node) {
    Shape a = in(node, 0).shape, b = in(node, 1).shape;
    if (a.empty() || b.empty()) fail(ErrorKind::kInput, "node '{}' (MatMul): scalar operand", node.name);
    const bool a_vector = a.size() == 1, b_vector = b.size() == 1;
    if (a_vector) a.insert(a.begin(), 1);
    if (b_vector) b.push_back(1);
    if (a.back() != b[b.size() - 2])
      fail(ErrorKind::kInput, "node '{}' (MatMul): inner dimensions {} and {} differ", node.name, a.back(),
           b[b.size() - 2]);
    Shape out = broadcast_shapes(node, Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
    if (!a_vector) out.push_back(a[a.size() - 2]);
    if (!b_vector) out.push_back(b.back());
    set_out(node, 0, in(node, 0).dtype, out);
  }

  void infer_reshape(const Node& node) {
    const Shape& x = in(node, 0).shape;
    std::vector<int64_t> target =
        node.input(1) >= 0 ? constant_ints(graph_, node.input(1), node) : node.attr_ints("shape");
    int64_t known = 1, infer_at = -1;
    for (size_t k = 0; k < target.size(); ++k) {
      if (target[k] == 0 && node.attr_int("allowzero", 0) == 0) {
        if (k >= x.size()) fail(ErrorKind::kInput, "node '{}' (Reshape): 0 refers past the input's rank", node.name);
        target[k] = x[k];
      }
      if (target[k] == -1) {
        if (infer_at >= 0) fail(ErrorKind::kInput, "node '{}' (Reshape): more than one -1", node.name);
        infer_at = static_cast<int64_t>(k);
      } else {
        known *= target[k];
      }
    }
    if (infer_at >= 0) target[infer_at] = known == 0 ? 0 : element_count(x) / known;
    if (element_count(target) != element_count(x)) {
      fail(ErrorKind::kInput, "node '{}' (Reshape): cannot reshape {} to {}", node.name, format_shape(x),
           format_shape(target));
    }
    set_out(node, 0, in(node, 0).dtype, target);
  }

  std::vector<int64_t> axes_of(const Node& node) const {
    if (node.has_attr("axes")) return node.attr_ints("axes");
    if (node.input(1) >= 0) return constant_ints(graph_, node.input(1), node);
    return {};
  }

  void infer_squeeze(const Node& node) {
    const Shape& x = in(node, 0).shape;
    std::vector<int64_t> axes = axes_of(node);
    if (node.op == "Unsqueeze") {
      const int64_t rank = static_cast<int64_t>(x.size() + axes.size());
      for (int64_t& a : axes) a = normalize_axis(node, a, rank);
      std::sort(axes.begin(), axes.end());
      Shape out = x;
      for (int64_t a : axes) out.insert(out.begin() + a, 1);
      set_out(node, 0, in(node, 0).dtype, out);
      return;
    }
    for (int64_t& a : axes) a = normalize_axis(node, a, static_cast<int64_t>(x.size()));
    Shape out;
    for (size_t k = 0; k < x.size(); ++k) {
      const bool listed = std::find(axes.begin(), axes.end(), static_cast<int64_t>(k)) != axes.end();
      if (listed && x[k] != 1) fail(ErrorKind::kInput, "node '{}' (Squeeze): axis {} has size {}", node.name, k, x[k]);
      if (!(listed || (axes.empty() && x[k] == 1))) out.push_back(x[k]);
    }
    set_out(node, 0, in(node, 0).dtype, out);
  }

  void infer_shape_op(const Node& node) {
    const Shape& x = in(node, 0).shape;
    const auto rank = static_cast<int64_t>(x.size());
    int64_t start = node.attr_int("start", 0), end = node.attr_int("end", rank);
    start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
    end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
    Tensor tensor("", DType::kInt64, {std::max<int64_t>(0, end - start)});
    for (int64_t k = start; k < end; ++k) tensor.data<int64_t>()[k - start] = x[k];
    set_out(node, 0, DType::kInt64, tensor.shape());
    graph_.values[node.outputs[0]].constant = std::move(tensor);
  }

  void infer_reduce(const Node& node) {
    const Shape& x = in(node, 0).shape;
    std::vector<int64_t> axes = axes_of(node);
    const bool keep = node.attr_int("keepdims", 1) != 0;
    if (axes.empty() && node.attr_int("noop_with_empty_axes", 0) != 0) {
      set_out(node, 0, in(node, 0).dtype, x);
      return;
    }
    for (int64_t& a : axes) a = normalize_axis(node, a, static_cast<int64_t>(x.size()));
    Shape out;
    for (size_t k = 0; k < x.size(); ++k) {
      const bool reduced = axes.empty() || std::find(axes.begin(), axes.end(), static_cast<int64_t>(k)) != axes.end();
      if (!reduced)
        out.push_back(x[k]);
      else if (keep)
        out.push_back(1);
    }
    set_out(node, 0, in(node, 0).dtype, out);
  }

  void infer_pad(const Node& node) {
    const Shape& x = in(node, 0).shape;
    const std::vector<int64_t> pads =
        node.input(1) >= 0 ? constant_ints(graph_, node.input(1), node) : node.attr_ints("pads");
    std::vector<int64_t> axes;
    if (node.input(3) >= 0) axes = constant_ints(graph_, node.input(3), node);
    if (axes.empty()) {
      for (size_t k = 0; k < x.size(); ++k) axes.push_back(static_cast<int64_t>(k));
    }
    if (pads.size() != 2 * axes.size())
      fail(ErrorKind::kInput, "node '{}' (Pad): {} pads for {} axes", node.name, pads.size(), axes.size());
    Shape out = x;
    for (size_t k = 0; k < axes.size(); ++k) {
      const int64_t a = normalize_axis(node, axes[k], static_cast<int64_t>(x.size()));
      out[a] += pads[k] + pads[k + axes.size()];
    }
    set_out(node, 0, in(node, 0).dtype, out);
  }

  bool try_fold(Node& node) {
    if (node.op == "Shape") return true;  // already a constant
    for (int id : node.inputs) {
      if (id >= 0 && !graph_.values[id].is_constant()) return false;
    }
    if (node.op == "Dropout" && node.outputs.size() > 1 && node.outputs[1] >= 0) return false;
    std::vector<Tensor> outputs;
    for (int id : node.outputs) {
      if (id < 0) return false;
      const Value& value = graph_.values[id];
      if (dtype_size(value.dtype) == 0 || element_count(value.shape) > (int64_t{1} << 26)) return false;
      outputs.emplace_back(value.name, value.dtype, value.shape);
    }
    if (!evaluate_constant(graph_, node, outputs)) return false;
    for (size_t k = 0; k < outputs.size(); ++k) graph_.values[node.outputs[k]].constant = std::move(outputs[k]);
    return true;
  }

  Graph& graph_;
};

}  // namespace

bool is_fold_only_op(const std::string& op) { return kFoldOnlyOps.count(op) > 0; }

int infer_shapes_and_fold(Graph& graph) { return Inference(graph).run(); }

}  // namespace inferfoundry::foundry
