#include "runtimes/foundry/ops/constant_eval.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <map>

#include "core/error.h"
#include "core/float16.h"
#include "runtimes/foundry/ops/onnx_semantics.h"

namespace inferfoundry::foundry {
namespace {

// Calls fn(output_index, multi_index) for every element of `shape` in row-major order.
template <typename Fn>
void for_each_index(const Shape& shape, Fn&& fn) {
  const int64_t total = element_count(shape);
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t flat = 0; flat < total; ++flat) {
    fn(flat, index);
    for (int k = static_cast<int>(shape.size()) - 1; k >= 0; --k) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
}

int64_t dot(const std::vector<int64_t>& index, const std::vector<int64_t>& strides) {
  int64_t offset = 0;
  for (size_t k = 0; k < index.size(); ++k) offset += index[k] * strides[k];
  return offset;
}

const Tensor& input(const Graph& graph, const Node& node, size_t k) { return *graph.values[node.input(k)].constant; }

void copy_bytes(const Tensor& from, Tensor& to) {
  if (from.dtype() == to.dtype()) {
    std::memcpy(to.bytes().data(), from.bytes().data(), to.byte_size());
  } else {
    from_doubles(to, to_doubles(from));
  }
}

using Binary = std::function<double(double, double)>;
const std::map<std::string, Binary>& binary_ops() {
  static const std::map<std::string, Binary> ops = {
      {"Add", [](double a, double b) { return a + b; }},
      {"Sub", [](double a, double b) { return a - b; }},
      {"Mul", [](double a, double b) { return a * b; }},
      {"Pow", [](double a, double b) { return std::pow(a, b); }},
      {"Max", [](double a, double b) { return std::max(a, b); }},
      {"Min", [](double a, double b) { return std::min(a, b); }},
      {"Equal", [](double a, double b) { return a == b ? 1.0 : 0.0; }},
      {"Less", [](double a, double b) { return a < b ? 1.0 : 0.0; }},
      {"Greater", [](double a, double b) { return a > b ? 1.0 : 0.0; }},
      {"LessOrEqual", [](double a, double b) { return a <= b ? 1.0 : 0.0; }},
      {"GreaterOrEqual", [](double a, double b) { return a >= b ? 1.0 : 0.0; }},
      {"And", [](double a, double b) { return (a != 0 && b != 0) ? 1.0 : 0.0; }},
      {"Or", [](double a, double b) { return (a != 0 || b != 0) ? 1.0 : 0.0; }},
  };
  return ops;
}

using Unary = std::function<double(double)>;
const std::map<std::string, Unary>& unary_ops() {
  static const std::map<std::string, Unary> ops = {
      {"Neg", [](double a) { return -a; }},
      {"Sqrt", [](double a) { return std::sqrt(a); }},
      {"Reciprocal", [](double a) { return 1 / a; }},
      {"Relu", [](double a) { return a > 0 ? a : 0.0; }},
      {"Abs", [](double a) { return std::fabs(a); }},
      {"Floor", [](double a) { return std::floor(a); }},
      {"Ceil", [](double a) { return std::ceil(a); }},
      {"Exp", [](double a) { return std::exp(a); }},
      {"Not", [](double a) { return a == 0 ? 1.0 : 0.0; }},
      {"Sign", [](double a) { return double((a > 0) - (a < 0)); }},
      {"Round", [](double a) { return std::nearbyint(a); }},
  };
  return ops;
}

// Elementwise over broadcast inputs; `combine` folds the inputs' values at one index into one.
void broadcast_eval(const Graph& graph, const Node& node, Tensor& out,
                    const std::function<double(const std::vector<double>&)>& combine) {
  std::vector<std::vector<double>> data;
  std::vector<std::vector<int64_t>> strides;
  for (size_t k = 0; k < node.inputs.size(); ++k) {
    const Tensor& t = input(graph, node, k);
    data.push_back(to_doubles(t));
    strides.push_back(broadcast_strides(t.shape(), logical_strides(t.shape(), Layout::kPlain), out.shape()));
  }
  std::vector<double> result(out.element_count());
  std::vector<double> args(data.size());
  for_each_index(out.shape(), [&](int64_t flat, const std::vector<int64_t>& index) {
    for (size_t k = 0; k < data.size(); ++k) args[k] = data[k][dot(index, strides[k])];
    result[flat] = combine(args);
  });
  from_doubles(out, result);
}

// Copies elements of `in` to `out`: element at out index i comes from in offset base + dot(i, in_strides).
void strided_gather(const Tensor& in, Tensor& out, int64_t base, const std::vector<int64_t>& in_strides) {
  const size_t element = dtype_size(in.dtype());
  const auto* src = in.bytes().data();
  auto* dst = out.bytes().data();
  for_each_index(out.shape(), [&](int64_t flat, const std::vector<int64_t>& index) {
    std::memcpy(dst + flat * element, src + (base + dot(index, in_strides)) * element, element);
  });
}

bool eval_gather(const Graph& graph, const Node& node, Tensor& out) {
  const Tensor& data = input(graph, node, 0);
  const std::vector<int64_t> indices = constant_ints(graph, node.input(1), node);
  const auto rank = static_cast<int64_t>(data.shape().size());
  const int64_t axis = normalize_axis(node, node.attr_int("axis", 0), rank);
  const int64_t outer = element_count(Shape(data.shape().begin(), data.shape().begin() + axis));
  const int64_t inner = element_count(Shape(data.shape().begin() + axis + 1, data.shape().end()));
  const int64_t dim = data.shape()[axis];
  const size_t element = dtype_size(data.dtype());
  const size_t row = static_cast<size_t>(inner) * element;
  auto* dst = out.bytes().data();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t index : indices) {
      if (index < -dim || index >= dim)
        fail(ErrorKind::kInput, "node '{}' (Gather): index {} out of range", node.name, index);
      if (index < 0) index += dim;
      std::memcpy(dst, data.bytes().data() + ((o * dim + index) * inner) * element, row);
      dst += row;
    }
  }
  return true;
}

bool eval_concat(const Graph& graph, const Node& node, Tensor& out) {
  const auto rank = static_cast<int64_t>(out.shape().size());
  const int64_t axis = normalize_axis(node, node.attr_int("axis", 0), rank);
  const int64_t outer = element_count(Shape(out.shape().begin(), out.shape().begin() + axis));
  const size_t element = dtype_size(out.dtype());
  auto* dst = out.bytes().data();
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      const Tensor& t = input(graph, node, k);
      if (t.dtype() != out.dtype()) return false;
      const size_t chunk =
          static_cast<size_t>(element_count(Shape(t.shape().begin() + axis, t.shape().end()))) * element;
      std::memcpy(dst, t.bytes().data() + o * chunk, chunk);
      dst += chunk;
    }
  }
  return true;
}

bool eval_transpose(const Graph& graph, const Node& node, Tensor& out) {
  const Tensor& in = input(graph, node, 0);
  std::vector<int64_t> perm = node.attr_ints("perm");
  if (perm.empty()) {
    for (int64_t k = static_cast<int64_t>(in.shape().size()) - 1; k >= 0; --k) perm.push_back(k);
  }
  const auto strides = logical_strides(in.shape(), Layout::kPlain);
  std::vector<int64_t> permuted;
  for (int64_t p : perm) permuted.push_back(strides[p]);
  strided_gather(in, out, 0, permuted);
  return true;
}

bool eval_slice(const Graph& graph, const Node& node, Tensor& out) {
  const Tensor& in = input(graph, node, 0);
  const SliceWindow window = resolve_slice(graph, node, in.shape());
  const auto strides = logical_strides(in.shape(), Layout::kPlain);
  std::vector<int64_t> stepped(strides.size());
  int64_t base = 0;
  for (size_t k = 0; k < strides.size(); ++k) {
    stepped[k] = strides[k] * window.steps[k];
    base += window.starts[k] * strides[k];
  }
  strided_gather(in, out, base, stepped);
  return true;
}

bool eval_fill(const Node& node, Tensor& out, const Graph& graph) {
  if (node.op == "ConstantOfShape") {
    const auto value = node.attr_floats("value", {0.0f, 1.0f});
    from_doubles(out, std::vector<double>(out.element_count(), value.at(0)));
    return true;
  }
  if (node.op == "Size") {
    from_doubles(out, {static_cast<double>(input(graph, node, 0).element_count())});
    return true;
  }
  const double start = to_doubles(input(graph, node, 0)).at(0), delta = to_doubles(input(graph, node, 2)).at(0);
  std::vector<double> values(out.element_count());
  for (size_t k = 0; k < values.size(); ++k) values[k] = start + static_cast<double>(k) * delta;
  from_doubles(out, values);
  return true;
}

}  // namespace

std::vector<double> to_doubles(const Tensor& tensor) {
  std::vector<double> values(tensor.element_count());
  for (size_t k = 0; k < values.size(); ++k) values[k] = tensor.value_at(static_cast<int64_t>(k));
  return values;
}

void from_doubles(Tensor& tensor, const std::vector<double>& values) {
  for (size_t k = 0; k < values.size(); ++k) {
    const double v = values[k];
    switch (tensor.dtype()) {
      case DType::kFloat32:
        tensor.data<float>()[k] = static_cast<float>(v);
        break;
      case DType::kFloat64:
        tensor.data<double>()[k] = v;
        break;
      case DType::kFloat16:
        tensor.data<uint16_t>()[k] = float_to_half(static_cast<float>(v));
        break;
      case DType::kInt64:
        tensor.data<int64_t>()[k] = static_cast<int64_t>(v);
        break;
      case DType::kInt32:
        tensor.data<int32_t>()[k] = static_cast<int32_t>(v);
        break;
      case DType::kInt8:
        tensor.data<int8_t>()[k] = static_cast<int8_t>(v);
        break;
      case DType::kUInt8:
        tensor.data<uint8_t>()[k] = static_cast<uint8_t>(v);
        break;
      case DType::kBool:
        tensor.data<uint8_t>()[k] = v != 0 ? 1 : 0;
        break;
      default:
        fail(ErrorKind::kInput, "constant folding: element type {} is not supported", dtype_name(tensor.dtype()));
    }
  }
}

bool evaluate_constant(const Graph& graph, const Node& node, std::vector<Tensor>& out) {
  const std::string& op = node.op;
  Tensor& result = out.at(0);
  if (op == "Identity" || op == "Dropout" || op == "Cast" || op == "Reshape" || op == "Flatten" || op == "Squeeze" ||
      op == "Unsqueeze") {
    copy_bytes(input(graph, node, 0), result);
    return true;
  }
  if (const auto it = unary_ops().find(op); it != unary_ops().end()) {
    broadcast_eval(graph, node, result, [&](const std::vector<double>& a) { return it->second(a[0]); });
    return true;
  }
  if (op == "Div") {
    const bool integral = is_integer(result.dtype());
    broadcast_eval(graph, node, result,
                   [&](const std::vector<double>& a) { return integral ? std::trunc(a[0] / a[1]) : a[0] / a[1]; });
    return true;
  }
  if (const auto it = binary_ops().find(op); it != binary_ops().end()) {
    broadcast_eval(graph, node, result, [&](const std::vector<double>& a) {
      double acc = a[0];
      for (size_t k = 1; k < a.size(); ++k) acc = it->second(acc, a[k]);
      return acc;
    });
    return true;
  }
  if (op == "Where") {
    broadcast_eval(graph, node, result, [](const std::vector<double>& a) { return a[0] != 0 ? a[1] : a[2]; });
    return true;
  }
  if (op == "Expand") {
    const Tensor& in = input(graph, node, 0);
    strided_gather(in, result, 0,
                   broadcast_strides(in.shape(), logical_strides(in.shape(), Layout::kPlain), result.shape()));
    return true;
  }
  if (op == "Gather") return eval_gather(graph, node, result);
  if (op == "Concat") return eval_concat(graph, node, result);
  if (op == "Transpose") return eval_transpose(graph, node, result);
  if (op == "Slice") return eval_slice(graph, node, result);
  if (op == "ConstantOfShape" || op == "Range" || op == "Size") return eval_fill(node, result, graph);
  return false;
}

}  // namespace inferfoundry::foundry
