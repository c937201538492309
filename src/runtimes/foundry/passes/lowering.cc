// ONNX ops -> foundry ops. Each lowering reads the ONNX attributes once and writes the few that the engine
// needs, so the engine never has to know ONNX's defaults or opset differences.
#include <algorithm>
#include <map>

#include "core/error.h"
#include "runtimes/foundry/ops/onnx_semantics.h"
#include "runtimes/foundry/passes/passes.h"
#include "runtimes/foundry/passes/shape_inference.h"

namespace inferfoundry::foundry {
namespace {

const std::map<std::string, EwOp>& unary_ew_ops() {
  static const std::map<std::string, EwOp> ops = {{"Relu", EwOp::kRelu},         {"Sigmoid", EwOp::kSigmoid},
                                                  {"Tanh", EwOp::kTanh},         {"Exp", EwOp::kExp},
                                                  {"Log", EwOp::kLog},           {"Sqrt", EwOp::kSqrt},
                                                  {"Neg", EwOp::kNeg},           {"Abs", EwOp::kAbs},
                                                  {"Erf", EwOp::kErf},           {"Reciprocal", EwOp::kReciprocal},
                                                  {"Softplus", EwOp::kSoftplus}, {"Sin", EwOp::kSin},
                                                  {"Cos", EwOp::kCos},           {"Cast", EwOp::kCopy}};
  return ops;
}

const std::map<std::string, EwOp>& binary_ew_ops() {
  static const std::map<std::string, EwOp> ops = {
      {"Add", EwOp::kAdd}, {"Sub", EwOp::kSub}, {"Mul", EwOp::kMul}, {"Div", EwOp::kDiv},  {"Pow", EwOp::kPow},
      {"Max", EwOp::kMax}, {"Min", EwOp::kMin}, {"Sum", EwOp::kAdd}, {"Mean", EwOp::kAdd}, {"PRelu", EwOp::kPRelu}};
  return ops;
}

bool is_float(DType t) { return t == DType::kFloat32 || t == DType::kFloat16; }

void set_program(Node& node, std::vector<int64_t> code, std::vector<float> params) {
  node.attrs["code"] = std::move(code);
  node.attrs["params"] = std::move(params);
}

float constant_scalar(const Graph& graph, int value, float fallback) {
  if (value < 0 || !graph.values[value].is_constant() || graph.values[value].constant->element_count() < 1)
    return fallback;
  return static_cast<float>(graph.values[value].constant->value_at(0));
}

class Lowering {
 public:
  explicit Lowering(Graph& graph) : graph_(graph) {}

  void run() {
    std::vector<std::string> unsupported;
    for (Node& node : graph_.nodes) {
      const std::string problem = lower(node);
      if (!problem.empty()) unsupported.push_back(fmt::format("{} (node '{}'{})", node.op, node.name, problem));
    }
    if (!unsupported.empty()) {
      std::string list;
      for (const auto& item : unsupported) list += (list.empty() ? "" : ", ") + item;
      fail(ErrorKind::kRuntime, "foundry cannot build this model: {} unsupported node{}: {}", unsupported.size(),
           unsupported.size() == 1 ? "" : "s", list);
    }
  }

 private:
  const Value& value(int id) const { return graph_.values[id]; }
  bool runtime(int id) const { return id >= 0 && !value(id).is_constant(); }

  // Returns "" when lowered, else why not (appended to the node in the error list).
  std::string lower(Node& node) {
    for (int out : node.outputs) {
      if (out >= 0 && value(out).dtype == DType::kUndefined) {
        // Inputs known but output not: shape inference does not know the op. Inputs unknown: this node only
        // sits downstream of an unsupported one, which is reported itself.
        return inputs_known(node) ? ": operator not supported by foundry" : "";
      }
    }
    for (int in : node.inputs) {
      if (runtime(in) && !is_float(value(in).dtype) && node.op != "Gather")
        return fmt::format(": runtime {} tensor", dtype_name(value(in).dtype));
    }
    const std::string& op = node.op;
    if (op == "Identity" || op == "Dropout" || op == "Flatten" || op == "Reshape" || op == "Squeeze" ||
        op == "Unsqueeze")
      return lower_alias(node);
    if (op == "Conv") return lower_conv(node);
    if (op == "BatchNormalization") return lower_batchnorm(node);
    if (op == "Gemm" || op == "MatMul") return lower_gemm(node);
    if (op == "MaxPool" || op == "AveragePool") return lower_pool(node);
    if (op == "GlobalAveragePool" || op == "GlobalMaxPool") return lower_global_pool(node);
    if (op == "Softmax" || op == "LogSoftmax") return lower_softmax(node);
    if (op.rfind("Reduce", 0) == 0) return lower_reduce(node);
    if (op == "Concat") return lower_concat(node);
    if (op == "Transpose" || op == "Slice" || op == "Expand") return lower_copy(node);
    if (op == "Gather") return lower_gather(node);
    if (op == "Pad") return lower_pad(node);
    return lower_elementwise(node);
  }

  bool inputs_known(const Node& node) const {
    for (int in : node.inputs)
      if (in >= 0 && value(in).dtype == DType::kUndefined) return false;
    return true;
  }

  std::string lower_alias(Node& node) {
    if (node.outputs.size() > 1 && node.outputs[1] >= 0) return ": mask output";
    node.inputs.resize(1);
    node.op = "Alias";
    node.attrs.clear();
    return "";
  }

  std::string lower_conv(Node& node) {
    const Value& w = value(node.input(1));
    if (w.shape.size() != 4) return ": only 2-D convolutions";
    if (!w.is_constant() || (node.input(2) >= 0 && !value(node.input(2)).is_constant())) return ": runtime weights";
    if (node.input(2) >= 0 && element_count(value(node.input(2)).shape) != w.shape[0])
      fail(ErrorKind::kInput, "node '{}' (Conv): bias does not match the output channels", node.name);
    const Window win =
        resolve_window(node, value(node.input(0)).shape, Shape(w.shape.begin() + 2, w.shape.end()), false);
    const int64_t group = node.attr_int("group", 1);
    node.attrs.clear();
    node.attrs["strides"] = win.strides;
    node.attrs["dilations"] = win.dilations;
    node.attrs["pads"] = win.pads;
    node.attrs["group"] = group;
    node.attrs["activation"] = std::string("none");
    if (node.input(2) < 0) {
      Tensor zeros(w.name + ".bias", w.dtype, {w.shape[0]});
      node.inputs.resize(3);
      node.inputs[2] = graph_.add_value(
          Value{.name = zeros.name(), .dtype = zeros.dtype(), .shape = zeros.shape(), .constant = zeros});
    }
    node.inputs.resize(3);
    return "";
  }

  std::string lower_batchnorm(Node& node) {
    if (node.outputs.size() > 1 && (node.outputs[1] >= 0 || node.outputs.size() > 2)) {
      for (size_t k = 1; k < node.outputs.size(); ++k)
        if (node.outputs[k] >= 0) return ": training outputs";
    }
    for (size_t k = 1; k < 5; ++k)
      if (!value(node.input(k)).is_constant()) return ": runtime statistics";
    if (value(node.input(0)).shape.size() < 2) return ": input rank < 2";
    for (size_t k = 1; k < 5; ++k) {
      if (element_count(value(node.input(k)).shape) != value(node.input(0)).shape[1])
        fail(ErrorKind::kInput, "node '{}' (BatchNormalization): parameters do not match the channels", node.name);
    }
    // Kept as a BatchNormalization node for the fusion pass, which folds it into a Conv or turns it into
    // a per-channel affine element-wise node.
    node.outputs.resize(1);
    return "";
  }

  std::string lower_gemm(Node& node) {
    const bool is_gemm = node.op == "Gemm";
    const Value& a = value(node.input(0));
    const Value& b = value(node.input(1));
    if (!b.is_constant()) return ": both operands at runtime (batched matmul comes with transformer support)";
    if (b.shape.size() != 2) return ": weight must be a matrix";
    if (is_gemm && node.attr_int("transA", 0) != 0) return ": transA";
    if (a.shape.size() < 2 && !is_gemm) return ": vector operand";
    const bool trans_b = is_gemm && node.attr_int("transB", 0) != 0;
    const float alpha = is_gemm ? node.attr_float("alpha", 1.0f) : 1.0f;
    const float beta = is_gemm ? node.attr_float("beta", 1.0f) : 1.0f;
    // Weights become [N, K] (what cuBLASLt reads as a transposed operand), alpha folded in.
    const Tensor& bt = *b.constant;
    const int64_t k = trans_b ? b.shape[1] : b.shape[0], n = trans_b ? b.shape[0] : b.shape[1];
    Tensor w(b.name + ".nk", DType::kFloat32, {n, k});
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t c = 0; c < k; ++c)
        w.data<float>()[r * k + c] = alpha * static_cast<float>(bt.value_at(trans_b ? r * k + c : c * n + r));
    }
    std::vector<int> inputs = {
        node.input(0),
        graph_.add_value(Value{.name = w.name(), .dtype = w.dtype(), .shape = w.shape(), .constant = w})};
    std::string problem;
    if (is_gemm && node.input(2) >= 0) problem = gemm_bias(node, beta, n, inputs);
    if (!problem.empty()) return problem;
    node.op = "Gemm";
    node.inputs = inputs;
    node.attrs.clear();
    node.attrs["activation"] = std::string("none");
    return "";
  }

  std::string gemm_bias(const Node& node, float beta, int64_t n, std::vector<int>& inputs) {
    const Value& c = value(node.input(2));
    if (!c.is_constant()) return ": runtime C operand";
    const int64_t count = element_count(c.shape);
    if (count != n && count != 1) return ": C must be a bias of N elements";
    Tensor bias(c.name + ".bias", DType::kFloat32, {n});
    for (int64_t j = 0; j < n; ++j)
      bias.data<float>()[j] = beta * static_cast<float>(c.constant->value_at(count == 1 ? 0 : j));
    inputs.push_back(
        graph_.add_value(Value{.name = bias.name(), .dtype = bias.dtype(), .shape = bias.shape(), .constant = bias}));
    return "";
  }

  std::string lower_pool(Node& node) {
    const Shape& x = value(node.input(0)).shape;
    if (x.size() != 4) return ": only 2-D pooling";
    if (node.outputs.size() > 1 && node.outputs[1] >= 0) return ": Indices output";
    const Window win = resolve_window(node, x, node.attr_ints("kernel_shape"), node.attr_int("ceil_mode", 0) != 0);
    const bool include_pad = node.attr_int("count_include_pad", 0) != 0;
    node.attrs.clear();
    node.attrs["mode"] = std::string(node.op == "MaxPool" ? "max" : "avg");
    node.attrs["kernel"] = win.kernel;
    node.attrs["strides"] = win.strides;
    node.attrs["dilations"] = win.dilations;
    node.attrs["pads"] = win.pads;
    node.attrs["count_include_pad"] = int64_t{include_pad};
    node.op = "Pool";
    node.outputs.resize(1);
    return "";
  }

  std::string lower_global_pool(Node& node) {
    const Shape& x = value(node.input(0)).shape;
    if (x.size() != 4) return ": only 2-D pooling";
    const std::string mode = node.op == "GlobalMaxPool" ? "max" : "mean";
    node.op = "Reduce";
    node.attrs.clear();
    node.attrs["axes"] = std::vector<int64_t>{2, 3};
    node.attrs["mode"] = mode;
    return "";
  }

  std::string lower_softmax(Node& node) {
    const Shape& x = value(node.input(0)).shape;
    const auto rank = static_cast<int64_t>(x.size());
    const int64_t axis = normalize_axis(node, node.attr_int("axis", graph_.opset >= 13 ? -1 : 1), rank);
    int64_t outer = element_count(Shape(x.begin(), x.begin() + axis)), dim = 0, inner = 1;
    if (graph_.opset >= 13) {
      dim = x[axis];
      inner = element_count(Shape(x.begin() + axis + 1, x.end()));
    } else {
      dim = element_count(Shape(x.begin() + axis, x.end()));  // older opsets flatten at the axis
    }
    const bool log = node.op == "LogSoftmax";
    node.op = "Softmax";
    node.attrs.clear();
    node.attrs["outer"] = outer;
    node.attrs["dim"] = dim;
    node.attrs["inner"] = inner;
    node.attrs["log"] = int64_t{log};
    return "";
  }

  std::string lower_reduce(Node& node) {
    static const std::map<std::string, std::string> modes = {
        {"ReduceMean", "mean"}, {"ReduceSum", "sum"}, {"ReduceMax", "max"}, {"ReduceMin", "min"}};
    const auto mode = modes.find(node.op);
    if (mode == modes.end()) return "";
    const Shape& x = value(node.input(0)).shape;
    std::vector<int64_t> axes = node.has_attr("axes") ? node.attr_ints("axes")
                                : node.input(1) >= 0  ? constant_ints(graph_, node.input(1), node)
                                                      : std::vector<int64_t>{};
    if (axes.empty()) {
      if (node.attr_int("noop_with_empty_axes", 0) != 0) return lower_alias(node);
      for (size_t k = 0; k < x.size(); ++k) axes.push_back(static_cast<int64_t>(k));
    }
    for (int64_t& a : axes) a = normalize_axis(node, a, static_cast<int64_t>(x.size()));
    std::sort(axes.begin(), axes.end());
    axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
    if (axes.back() - axes.front() + 1 != static_cast<int64_t>(axes.size())) return ": reduced axes must be adjacent";
    node.op = "Reduce";
    node.inputs.resize(1);
    node.attrs.clear();
    node.attrs["axes"] = axes;
    node.attrs["mode"] = mode->second;
    return "";
  }

  std::string lower_concat(Node& node) {
    const int64_t axis =
        normalize_axis(node, node.attr_int("axis", 0), static_cast<int64_t>(value(node.outputs[0]).shape.size()));
    node.attrs.clear();
    node.attrs["axis"] = axis;
    return "";
  }

  // Transpose, Slice and Expand are one strided copy: out[i] = in[base + sum(i_k * stride_k)] over the
  // input's logical strides; the layout pass rewrites the strides for the input's real layout.
  std::string lower_copy(Node& node) {
    const Shape& in = value(node.input(0)).shape;
    const Shape& out = value(node.outputs[0]).shape;
    const auto strides = logical_strides(in, Layout::kPlain);
    std::vector<int64_t> map_axis(out.size(), -1), step(out.size(), 1), start(in.size(), 0);
    if (node.op == "Transpose") {
      std::vector<int64_t> perm = node.attr_ints("perm");
      if (perm.empty())
        for (int64_t k = static_cast<int64_t>(in.size()) - 1; k >= 0; --k) perm.push_back(k);
      for (size_t k = 0; k < out.size(); ++k)
        map_axis[k] = normalize_axis(node, perm[k], static_cast<int64_t>(in.size()));
    } else if (node.op == "Slice") {
      const SliceWindow window = resolve_slice(graph_, node, in);
      for (size_t k = 0; k < out.size(); ++k) map_axis[k] = static_cast<int64_t>(k);
      step = window.steps;
      start = window.starts;
    } else {  // Expand: right-aligned broadcast
      const size_t lead = out.size() - in.size();
      for (size_t k = lead; k < out.size(); ++k) map_axis[k] = in[k - lead] == 1 ? -1 : static_cast<int64_t>(k - lead);
    }
    // map_axis[k]: which input axis output axis k walks (-1: repeats); start/step per input axis.
    node.inputs.resize(1);
    node.attrs.clear();
    node.attrs["map_axis"] = map_axis;
    node.attrs["start"] = start;
    node.attrs["step"] = step;
    node.op = "Copy";
    return "";
  }

  std::string lower_gather(Node& node) {
    if (!value(node.input(1)).is_constant()) return ": runtime indices";
    if (!is_float(value(node.input(0)).dtype))
      return fmt::format(": runtime {} data", dtype_name(value(node.input(0)).dtype));
    const Shape& x = value(node.input(0)).shape;
    const int64_t axis = normalize_axis(node, node.attr_int("axis", 0), static_cast<int64_t>(x.size()));
    std::vector<int64_t> indices = constant_ints(graph_, node.input(1), node);
    for (int64_t& i : indices) {
      if (i < -x[axis] || i >= x[axis])
        fail(ErrorKind::kInput, "node '{}' (Gather): index {} out of range", node.name, i);
      if (i < 0) i += x[axis];
    }
    node.inputs.resize(1);
    node.attrs.clear();
    node.attrs["axis"] = axis;
    node.attrs["indices"] = indices;
    return "";
  }

  std::string lower_pad(Node& node) {
    const std::string mode = node.attr_string("mode", "constant");
    if (mode != "constant") return ": mode " + mode;
    const Shape& x = value(node.input(0)).shape;
    const Shape& out = value(node.outputs[0]).shape;
    std::vector<int64_t> begins(x.size(), 0);
    std::vector<int64_t> pads =
        node.input(1) >= 0 ? constant_ints(graph_, node.input(1), node) : node.attr_ints("pads");
    std::vector<int64_t> axes;
    if (node.input(3) >= 0) axes = constant_ints(graph_, node.input(3), node);
    if (axes.empty())
      for (size_t k = 0; k < x.size(); ++k) axes.push_back(static_cast<int64_t>(k));
    for (size_t k = 0; k < axes.size(); ++k)
      begins[normalize_axis(node, axes[k], static_cast<int64_t>(x.size()))] = pads[k];
    for (int64_t b : begins)
      if (b < 0) return ": negative pads";
    for (size_t k = 0; k < x.size(); ++k)
      if (out[k] < x[k]) return ": negative pads";
    const float fill =
        node.input(2) >= 0 ? constant_scalar(graph_, node.input(2), 0.0f) : node.attr_float("value", 0.0f);
    node.inputs.resize(1);
    node.attrs.clear();
    node.attrs["begins"] = begins;
    node.attrs["value"] = fill;
    return "";
  }

  std::string lower_elementwise(Node& node) {
    std::vector<int64_t> code;
    std::vector<float> params;
    auto emit = [&](EwOp op, int64_t a, int64_t b, float alpha = 0, float beta = 0) {
      code.insert(code.end(), {static_cast<int64_t>(op), a, b});
      params.insert(params.end(), {alpha, beta});
      return -static_cast<int64_t>(code.size() / 3);
    };
    const std::string& op = node.op;
    if (const auto it = unary_ew_ops().find(op); it != unary_ew_ops().end()) {
      if (op == "Cast" && (!is_float(value(node.outputs[0]).dtype) || !is_float(value(node.input(0)).dtype)))
        return ": non-float Cast";
      emit(it->second, 0, 0);
    } else if (const auto bt = binary_ew_ops().find(op); bt != binary_ew_ops().end()) {
      int64_t acc = 0;
      for (size_t k = 1; k < node.inputs.size(); ++k) acc = emit(bt->second, acc, static_cast<int64_t>(k));
      if (node.inputs.size() == 1) emit(EwOp::kCopy, 0, 0);
      if (op == "Mean") emit(EwOp::kAffine, acc, 0, 1.0f / static_cast<float>(node.inputs.size()), 0.0f);
    } else if (op == "Clip") {
      if ((node.input(1) >= 0 && !value(node.input(1)).is_constant()) ||
          (node.input(2) >= 0 && !value(node.input(2)).is_constant()))
        return ": runtime bounds";
      const float lo =
          node.has_attr("min") ? node.attr_float("min", 0) : constant_scalar(graph_, node.input(1), -3.4e38f);
      const float hi =
          node.has_attr("max") ? node.attr_float("max", 0) : constant_scalar(graph_, node.input(2), 3.4e38f);
      emit(EwOp::kClip, 0, 0, lo, hi);
      node.inputs.resize(1);
    } else if (op == "LeakyRelu") {
      emit(EwOp::kLeakyRelu, 0, 0, node.attr_float("alpha", 0.01f));
    } else if (op == "HardSigmoid") {
      emit(EwOp::kHardSigmoid, 0, 0, node.attr_float("alpha", 0.2f), node.attr_float("beta", 0.5f));
    } else if (op == "HardSwish") {
      emit(EwOp::kHardSwish, 0, 0);
    } else if (op == "Elu") {
      emit(EwOp::kElu, 0, 0, node.attr_float("alpha", 1.0f));
    } else if (op == "Gelu") {
      if (node.attr_string("approximate", "none") != "none") return ": tanh approximation";
      emit(EwOp::kGelu, 0, 0);
    } else {
      return is_fold_only_op(op) ? ": only supported on constants" : ": operator not supported by foundry";
    }
    if (node.inputs.size() > static_cast<size_t>(kMaxEwInputs)) return ": too many inputs";
    node.op = "Elementwise";
    node.attrs.clear();
    set_program(node, std::move(code), std::move(params));
    return "";
  }

  Graph& graph_;
};

}  // namespace

const std::vector<std::string>& foundry_ops() {
  static const std::vector<std::string> ops = {"Alias",  "Conv", "Gemm",   "Pool", "Reduce",     "Softmax",
                                               "Concat", "Copy", "Gather", "Pad",  "Elementwise"};
  return ops;
}

void lower_to_foundry_ops(Graph& graph) { Lowering(graph).run(); }

}  // namespace inferfoundry::foundry
