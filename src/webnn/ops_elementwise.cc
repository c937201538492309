// Element-wise operations, activations, reductions and casts. Most share their validation, so they are
// rows of small tables: the spec's allowed data types, the ONNX operator, and the types ONNX Runtime's
// kernels implement (anything else is computed in a wider type and cast back).
#include <cmath>
#include <map>

#include "webnn/graph_builder.h"
#include "webnn/onnx_emitter.h"
#include "webnn/validation.h"

namespace inferfoundry::webnn {

namespace {

struct ElementwiseOp {
  std::string onnx_op;
  DTypes allowed;
  DTypes native;
};

const std::map<std::string, ElementwiseOp>& binary_ops() {
  static const std::map<std::string, ElementwiseOp> ops = {
      {"add", {"Add", kAllTypes, {kF32, kI32, kI64}}},
      {"sub", {"Sub", kAllTypes, {kF32, kI32, kI64}}},
      {"mul", {"Mul", kAllTypes, {kF32, kI32, kI64}}},
      {"div", {"Div", kAllTypes, {kF32, kI32, kI64}}},
      {"max", {"Max", kAllTypes, {kF32, kI32, kI64, kU32, kU64}}},
      {"min", {"Min", kAllTypes, {kF32, kI32, kI64, kU32, kU64}}},
      {"pow", {"Pow", kAllTypes, {kF32, kI32, kI64}}},
      {"equal", {"Equal", kAllTypes, {kF32, kI32, kI64}}},
      {"notEqual", {"Equal", kAllTypes, {kF32, kI32, kI64}}},
      {"greater", {"Greater", kAllTypes, {kF32, kI32, kI64}}},
      {"greaterOrEqual", {"GreaterOrEqual", kAllTypes, {kF32, kI32, kI64}}},
      {"lesser", {"Less", kAllTypes, {kF32, kI32, kI64}}},
      {"lesserOrEqual", {"LessOrEqual", kAllTypes, {kF32, kI32, kI64}}},
      {"logicalAnd", {"And", {kU8}, {}}},
      {"logicalOr", {"Or", {kU8}, {}}},
      {"logicalXor", {"Xor", {kU8}, {}}},
  };
  return ops;
}

const std::map<std::string, ElementwiseOp>& unary_ops() {
  static const std::map<std::string, ElementwiseOp> ops = {
      {"abs", {"Abs", kSignedNumbers, {kF32, kI8, kI32, kI64}}},
      {"ceil", {"Ceil", kFloats, {kF32}}},
      {"cos", {"Cos", kFloats, {kF32}}},
      {"erf", {"Erf", kFloats, {kF32}}},
      {"exp", {"Exp", kFloats, {kF32}}},
      {"floor", {"Floor", kFloats, {kF32}}},
      {"identity", {"Identity", kAllTypes, kAllTypes}},
      {"log", {"Log", kFloats, {kF32}}},
      {"neg", {"Neg", kSignedNumbers, {kF32, kI8, kI32, kI64}}},
      {"reciprocal", {"Reciprocal", kFloats, {kF32}}},
      {"roundEven", {"Round", kFloats, {kF32}}},
      {"sign", {"Sign", kSignedNumbers, {kF32, kI32, kI64}}},
      {"sin", {"Sin", kFloats, {kF32}}},
      {"sqrt", {"Sqrt", kFloats, {kF32}}},
      {"tan", {"Tan", kFloats, {kF32}}},
      {"isNaN", {"IsNaN", kFloats, {kF32}}},
      {"isInfinite", {"IsInf", kFloats, {kF32}}},
      {"sigmoid", {"Sigmoid", kFloats, {kF32}}},
      {"tanh", {"Tanh", kFloats, {kF32}}},
      {"hardSwish", {"HardSwish", kFloats, {kF32}}},
      {"softplus", {"Softplus", kFloats, {kF32}}},
      {"softsign", {"Softsign", kFloats, {kF32}}},
      {"relu", {"Relu", {kF32, kF16, kI8, kI32, kI64}, {kF32}}},
      {"logicalNot", {"Not", {kU8}, {}}},
  };
  return ops;
}

bool is_comparison(const std::string& op) {
  return op == "equal" || op == "notEqual" || op == "greater" || op == "greaterOrEqual" || op == "lesser" ||
         op == "lesserOrEqual";
}
bool is_logical(const std::string& op) { return op.rfind("logical", 0) == 0; }

struct ReduceOp {
  std::string onnx_op;
  DTypes allowed;
  std::string no_axes_op;  // what reducing over no axes leaves: an element-wise op
};

const std::map<std::string, ReduceOp>& reduce_ops() {
  static const DTypes kReducible = {kF32, kF16, kI32, kU32, kI64, kU64};
  static const std::map<std::string, ReduceOp> ops = {
      {"reduceL1", {"ReduceL1", kReducible, "Abs"}},
      {"reduceL2", {"ReduceL2", kFloats, "Abs"}},
      {"reduceLogSum", {"ReduceLogSum", kFloats, "Log"}},
      {"reduceLogSumExp", {"ReduceLogSumExp", kFloats, "Identity"}},
      {"reduceMax", {"ReduceMax", kReducible, "Identity"}},
      {"reduceMean", {"ReduceMean", kFloats, "Identity"}},
      {"reduceMin", {"ReduceMin", kReducible, "Identity"}},
      {"reduceProduct", {"ReduceProd", kReducible, "Identity"}},
      {"reduceSum", {"ReduceSum", kReducible, "Identity"}},
      {"reduceSumSquare", {"ReduceSumSquare", kReducible, "Square"}},
  };
  return ops;
}

}  // namespace

void add_elementwise_input_types(std::map<std::string, DTypes>& types) {
  for (const auto& [name, op] : binary_ops()) types[name] = op.allowed;
  for (const auto& [name, op] : unary_ops()) types[name] = op.allowed;
  for (const auto& [name, op] : reduce_ops()) types[name] = op.allowed;
}

MLOperand MLGraphBuilder::binary(const std::string& op, const MLOperand& a, const MLOperand& b,
                                 const MLOptions& options) {
  OpCheck check(op, options, {});
  check_operand(check.where(), "a", a);
  check_operand(check.where(), "b", b);
  const auto& spec = binary_ops().at(op);
  check.input_dtype("a", a);
  if (b.data_type() != a.data_type()) {
    check.fail("b {} must have the data type of a {}", describe(b), describe(a));
  }
  const Shape shape = check.broadcast(a.shape(), b.shape());
  const DType type = a.data_type();
  const bool comparison = is_comparison(op);
  const bool logical = is_logical(op);
  const DType result_type = comparison || logical ? kU8 : type;
  const std::string x = a.name(), y = b.name();
  return add_node1(op, {a, b}, {result_type, shape}, [=](OnnxEmitter& e, const std::string& out) {
    if (!comparison && !logical) {
      e.typed(spec.onnx_op, {x, y}, 2, out, type, spec.native);
      return;
    }
    const DType computed = logical ? DType::kBool : compute_type(type, spec.native);
    std::string result = e.value(spec.onnx_op, {e.cast(x, type, computed), e.cast(y, type, computed)});
    if (op == "notEqual") result = e.value("Not", {result});
    e.cast_into(result, DType::kBool, kU8, out);
  });
}

MLOperand MLGraphBuilder::unary(const std::string& op, const MLOperand& x, const MLOptions& options) {
  OpCheck check(op, options, {});
  check_operand(check.where(), "input", x);
  const auto& spec = unary_ops().at(op);
  check.input_dtype("input", x);
  const DType type = x.data_type();
  const bool to_uint8 = op == "isNaN" || op == "isInfinite" || op == "logicalNot";
  const std::string name = x.name();
  return add_node1(op, {x}, {to_uint8 ? kU8 : type, x.shape()}, [=](OnnxEmitter& e, const std::string& out) {
    if (op == "relu" && !is_floating(type)) {
      e.typed("Max", {name, e.scalar(compute_type(type, {kI32, kI64}), 0)}, 1, out, type, {kI32, kI64});
    } else if (op == "logicalNot") {
      e.cast_into(e.value("Not", {e.cast(name, kU8, DType::kBool)}), DType::kBool, kU8, out);
    } else if (to_uint8) {
      e.cast_into(e.value(spec.onnx_op, {e.cast(name, type, kF32)}), DType::kBool, kU8, out);
    } else {
      e.typed(spec.onnx_op, {name}, 1, out, type, spec.native);
    }
  });
}

#define WEBNN_BINARY(method, op)                                                                 \
  MLOperand MLGraphBuilder::method(const MLOperand& a, const MLOperand& b, const MLOptions& o) { \
    return binary(op, a, b, o);                                                                  \
  }
WEBNN_BINARY(add, "add")
WEBNN_BINARY(sub, "sub")
WEBNN_BINARY(mul, "mul")
WEBNN_BINARY(div, "div")
WEBNN_BINARY(max, "max")
WEBNN_BINARY(min, "min")
WEBNN_BINARY(pow, "pow")
WEBNN_BINARY(equal, "equal")
WEBNN_BINARY(not_equal, "notEqual")
WEBNN_BINARY(greater, "greater")
WEBNN_BINARY(greater_or_equal, "greaterOrEqual")
WEBNN_BINARY(lesser, "lesser")
WEBNN_BINARY(lesser_or_equal, "lesserOrEqual")
WEBNN_BINARY(logical_and, "logicalAnd")
WEBNN_BINARY(logical_or, "logicalOr")
WEBNN_BINARY(logical_xor, "logicalXor")
#undef WEBNN_BINARY

#define WEBNN_UNARY(method, op) \
  MLOperand MLGraphBuilder::method(const MLOperand& x, const MLOptions& o) { return unary(op, x, o); }
WEBNN_UNARY(logical_not, "logicalNot")
WEBNN_UNARY(abs, "abs")
WEBNN_UNARY(ceil, "ceil")
WEBNN_UNARY(cos, "cos")
WEBNN_UNARY(erf, "erf")
WEBNN_UNARY(exp, "exp")
WEBNN_UNARY(floor, "floor")
WEBNN_UNARY(identity, "identity")
WEBNN_UNARY(log, "log")
WEBNN_UNARY(neg, "neg")
WEBNN_UNARY(reciprocal, "reciprocal")
WEBNN_UNARY(round_even, "roundEven")
WEBNN_UNARY(sign, "sign")
WEBNN_UNARY(sin, "sin")
WEBNN_UNARY(sqrt, "sqrt")
WEBNN_UNARY(tan, "tan")
WEBNN_UNARY(is_nan, "isNaN")
WEBNN_UNARY(is_infinite, "isInfinite")
WEBNN_UNARY(relu, "relu")
WEBNN_UNARY(sigmoid, "sigmoid")
WEBNN_UNARY(tanh, "tanh")
WEBNN_UNARY(hard_swish, "hardSwish")
WEBNN_UNARY(softplus, "softplus")
WEBNN_UNARY(softsign, "softsign")
#undef WEBNN_UNARY

MLOperand MLGraphBuilder::softmax(const MLOperand& x, int64_t axis, const MLOptions& options) {
  OpCheck check("softmax", options, {});
  check_operand(check.where(), "input", x);
  check.input_dtype("input", x);
  const int64_t normalized = check.axis("axis", axis, x.rank());
  const DType type = x.data_type();
  const std::string name = x.name();
  return add_node1("softmax", {x}, x.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    set_attribute(e.typed("Softmax", {name}, 1, out, type, {kF32}), "axis", normalized);
  });
}

// elu, leakyRelu, hardSigmoid: ONNX operators with float attributes alpha (and beta); linear: alpha * x + beta.
namespace {
struct ParametricActivation {
  std::string onnx_op;
  double alpha;
  std::optional<double> beta;
};
const std::map<std::string, ParametricActivation>& parametric_activations() {
  static const std::map<std::string, ParametricActivation> ops = {
      {"elu", {"Elu", 1.0, std::nullopt}},
      {"leakyRelu", {"LeakyRelu", 0.01, std::nullopt}},
      {"hardSigmoid", {"HardSigmoid", 0.2, 0.5}},
      {"linear", {"", 1.0, 0.0}},
  };
  return ops;
}

}  // namespace

MLOperand MLGraphBuilder::parametric(const std::string& op, const MLOperand& x, const MLOptions& options) {
  const ParametricActivation spec = parametric_activations().at(op);
  const bool has_beta = spec.beta.has_value();
  OpCheck check(op, options,
                has_beta ? std::vector<std::string_view>{"alpha", "beta"} : std::vector<std::string_view>{"alpha"});
  check_operand(check.where(), "input", x);
  check.input_dtype("input", x);
  const double alpha = check.get_double("alpha", spec.alpha);
  const double beta = check.get_double("beta", spec.beta.value_or(0.0));
  const DType type = x.data_type();
  const std::string name = x.name();
  return add_node1(op, {x}, x.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    if (op == "linear") {
      const std::string wide = e.cast(name, type, kF32);
      const std::string scaled = e.value("Mul", {wide, e.scalar(kF32, alpha)});
      e.cast_into(e.value("Add", {scaled, e.scalar(kF32, beta)}), kF32, type, out);
      return;
    }
    auto& node = e.typed(spec.onnx_op, {name}, 1, out, type, {kF32});
    set_attribute(node, "alpha", static_cast<float>(alpha));
    if (has_beta) set_attribute(node, "beta", static_cast<float>(beta));
  });
}

#define WEBNN_PARAMETRIC(method, op) \
  MLOperand MLGraphBuilder::method(const MLOperand& x, const MLOptions& o) { return parametric(op, x, o); }
WEBNN_PARAMETRIC(elu, "elu")
WEBNN_PARAMETRIC(leaky_relu, "leakyRelu")
WEBNN_PARAMETRIC(hard_sigmoid, "hardSigmoid")
WEBNN_PARAMETRIC(linear, "linear")
#undef WEBNN_PARAMETRIC

MLOperand MLGraphBuilder::gelu(const MLOperand& x, const MLOptions& options) {
  OpCheck check("gelu", options, {});
  check_operand(check.where(), "input", x);
  check.input_dtype("input", x);
  const DType type = x.data_type();
  const std::string name = x.name();
  // ONNX has Gelu only from opset 20: 0.5 * x * (1 + erf(x / sqrt(2))).
  return add_node1("gelu", {x}, x.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    const std::string wide = e.cast(name, type, kF32);
    const std::string erf = e.value("Erf", {e.value("Mul", {wide, e.scalar(kF32, M_SQRT1_2)})});
    const std::string one_plus = e.value("Add", {erf, e.scalar(kF32, 1.0)});
    const std::string half_x = e.value("Mul", {wide, e.scalar(kF32, 0.5)});
    e.cast_into(e.value("Mul", {half_x, one_plus}), kF32, type, out);
  });
}

MLOperand MLGraphBuilder::prelu(const MLOperand& x, const MLOperand& slope, const MLOptions& options) {
  OpCheck check("prelu", options, {});
  check_operand(check.where(), "input", x);
  check_operand(check.where(), "slope", slope);
  check.input_dtype("input", x);
  check.same_dtype("slope", slope, x.data_type());
  const Shape shape = check.broadcast(x.shape(), slope.shape());
  const DType type = x.data_type();
  const std::string name = x.name(), slope_name = slope.name();
  return add_node1("prelu", {x, slope}, {type, shape}, [=](OnnxEmitter& e, const std::string& out) {
    const DType computed = compute_type(type, {kF32, kI64});
    const std::string a = e.cast(name, type, computed), s = e.cast(slope_name, type, computed);
    const std::string negative = e.value("Less", {a, e.scalar(computed, 0)});
    const std::string selected = e.value("Where", {negative, e.value("Mul", {a, s}), a});
    e.cast_into(selected, computed, type, out);
  });
}

MLOperand MLGraphBuilder::clamp(const MLOperand& x, const MLOptions& options) {
  OpCheck check("clamp", options, {"minValue", "maxValue"});
  check_operand(check.where(), "input", x);
  check.input_dtype("input", x);
  const bool has_min = check.has("minValue"), has_max = check.has("maxValue");
  const double low = check.get_double("minValue", 0), high = check.get_double("maxValue", 0);
  if (has_min && has_max && low > high) check.fail("minValue {} is greater than maxValue {}", low, high);
  const DType type = x.data_type();
  const std::string name = x.name();
  return add_node1("clamp", {x}, x.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    const DTypes native = {kF32, kI8, kU8, kI32, kU32, kI64, kU64};
    const DType computed = compute_type(type, native);
    const std::string low_name = has_min ? e.scalar(computed, low) : "";
    const std::string high_name = has_max ? e.scalar(computed, high) : "";
    e.typed("Clip", {name, low_name, high_name}, 1, out, type, native);
  });
}

MLOperand MLGraphBuilder::reduce(const std::string& op, const MLOperand& x, const MLOptions& options) {
  OpCheck check(op, options, {"axes", "keepDimensions"});
  check_operand(check.where(), "input", x);
  const auto& spec = reduce_ops().at(op);
  check.input_dtype("input", x);
  std::vector<int64_t> all_axes(x.rank());
  for (size_t i = 0; i < x.rank(); ++i) all_axes[i] = static_cast<int64_t>(i);
  const std::vector<int64_t> axes = check.get_ints("axes", all_axes);
  check.axes("axes", axes, x.rank());
  const bool keep = check.get_bool("keepDimensions", false);
  Shape shape;
  for (size_t i = 0; i < x.rank(); ++i) {
    const bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end();
    if (!reduced)
      shape.push_back(x.shape()[i]);
    else if (keep)
      shape.push_back(1);
  }
  const DType type = x.data_type();
  const std::string name = x.name();
  return add_node1(op, {x}, {type, shape}, [=](OnnxEmitter& e, const std::string& out) {
    const DTypes native = {kF32, kI32, kI64};
    if (axes.empty()) {
      // Reducing over no axes leaves every element: the element-wise remainder of the reduction.
      if (spec.no_axes_op == "Square") {
        const DType computed = compute_type(type, native);
        const std::string wide = e.cast(name, type, computed);
        e.cast_into(e.value("Mul", {wide, wide}), computed, type, out);
      } else {
        e.typed(spec.no_axes_op, {name}, 1, out, type, spec.no_axes_op == "Identity" ? kAllTypes : native);
      }
      return;
    }
    if (spec.onnx_op == "ReduceSum") {
      set_attribute(e.typed("ReduceSum", {name, e.int64s(axes)}, 1, out, type, native), "keepdims",
                    static_cast<int64_t>(keep));
      return;
    }
    auto& node = e.typed(spec.onnx_op, {name}, 1, out, type, native);
    set_attribute(node, "axes", axes);
    set_attribute(node, "keepdims", static_cast<int64_t>(keep));
  });
}

#define WEBNN_REDUCE(method, op) \
  MLOperand MLGraphBuilder::method(const MLOperand& x, const MLOptions& o) { return reduce(op, x, o); }
WEBNN_REDUCE(reduce_l1, "reduceL1")
WEBNN_REDUCE(reduce_l2, "reduceL2")
WEBNN_REDUCE(reduce_log_sum, "reduceLogSum")
WEBNN_REDUCE(reduce_log_sum_exp, "reduceLogSumExp")
WEBNN_REDUCE(reduce_max, "reduceMax")
WEBNN_REDUCE(reduce_mean, "reduceMean")
WEBNN_REDUCE(reduce_min, "reduceMin")
WEBNN_REDUCE(reduce_product, "reduceProduct")
WEBNN_REDUCE(reduce_sum, "reduceSum")
WEBNN_REDUCE(reduce_sum_square, "reduceSumSquare")
#undef WEBNN_REDUCE

MLOperand MLGraphBuilder::arg_reduce(const std::string& op, const MLOperand& x, int64_t axis,
                                     const MLOptions& options) {
  OpCheck check(op, options, {"keepDimensions", "outputDataType"});
  check_operand(check.where(), "input", x);
  check.input_dtype("input", x);
  const int64_t normalized = check.axis("axis", axis, x.rank());
  const bool keep = check.get_bool("keepDimensions", false);
  const DType output_type = webnn_dtype_from_name(check.get_enum("outputDataType", "int32", {"int32", "int64"}));
  Shape shape;
  for (size_t i = 0; i < x.rank(); ++i) {
    if (static_cast<int64_t>(i) != normalized)
      shape.push_back(x.shape()[i]);
    else if (keep)
      shape.push_back(1);
  }
  const DType type = x.data_type();
  const std::string name = x.name();
  const std::string onnx_op = op == "argMax" ? "ArgMax" : "ArgMin";
  return add_node1(op, {x}, {output_type, shape}, [=](OnnxEmitter& e, const std::string& out) {
    const DTypes native = {kF32, kI32, kI64, kI8, kU8};
    onnx::NodeProto* node = nullptr;
    const std::string index = e.value(onnx_op, {e.cast(name, type, compute_type(type, native))}, &node);
    set_attribute(*node, "axis", normalized);
    set_attribute(*node, "keepdims", static_cast<int64_t>(keep));
    e.cast_into(index, kI64, output_type, out);
  });
}

MLOperand MLGraphBuilder::arg_max(const MLOperand& x, int64_t axis, const MLOptions& o) {
  return arg_reduce("argMax", x, axis, o);
}
MLOperand MLGraphBuilder::arg_min(const MLOperand& x, int64_t axis, const MLOptions& o) {
  return arg_reduce("argMin", x, axis, o);
}

MLOperand MLGraphBuilder::cast(const MLOperand& x, DType type, const MLOptions& options) {
  OpCheck check("cast", options, {});
  check_operand(check.where(), "input", x);
  check.input_dtype("input", x);
  if (std::find(kAllTypes.begin(), kAllTypes.end(), type) == kAllTypes.end()) {
    check.fail("target type {} is not a WebNN data type", dtype_name(type));
  }
  const DType from = x.data_type();
  const std::string name = x.name();
  return add_node1("cast", {x}, {type, x.shape()},
                   [=](OnnxEmitter& e, const std::string& out) { e.cast_into(name, from, type, out); });
}

}  // namespace inferfoundry::webnn
