// Operations that select, move and reshape data: where, reshape, transpose, concat, split, slice, expand,
// pad, tile, the gathers and scatters, cumulativeSum, reverse, triangular.
#include <algorithm>
#include <limits>
#include <numeric>

#include "webnn/graph_builder.h"
#include "webnn/onnx_emitter.h"
#include "webnn/validation.h"

namespace inferfoundry::webnn {

namespace {
// Data movement is exact in a wider type, so where ONNX Runtime lacks a kernel for a type the value is
// carried through float32 or int64 and cast back.
const DTypes kMovable = {kF32, kI8, kU8, kI32, kU32, kI64, kU64};
const DTypes kIndexTypes = {kI32, kU32, kI64};

void check_positive(const OpCheck& check, const std::string& role, const std::vector<int64_t>& values) {
  for (int64_t v : values) {
    if (v <= 0) check.fail("{} must be positive, got {}", role, v);
  }
}
void check_length(const OpCheck& check, const std::string& role, const std::vector<int64_t>& values, size_t rank) {
  if (values.size() != rank) check.fail("{} has {} values; the input has rank {}", role, values.size(), rank);
}
}  // namespace

MLOperand MLGraphBuilder::where(const MLOperand& condition, const MLOperand& true_value, const MLOperand& false_value,
                                const MLOptions& options) {
  OpCheck check("where", options, {});
  check_operand(check.where(), "condition", condition);
  check_operand(check.where(), "trueValue", true_value);
  check_operand(check.where(), "falseValue", false_value);
  check.dtype("condition", condition, {kU8});
  check.input_dtype("trueValue", true_value);
  check.same_dtype("falseValue", false_value, true_value.data_type());
  const Shape shape = check.broadcast(condition.shape(), check.broadcast(true_value.shape(), false_value.shape()));
  const DType type = true_value.data_type();
  const std::string c = condition.name(), t = true_value.name(), f = false_value.name();
  return add_node1(
      "where", {condition, true_value, false_value}, {type, shape}, [=](OnnxEmitter& e, const std::string& out) {
        const DType computed = compute_type(type, {kF32, kI32, kI64, kU8});
        const std::string selected =
            e.value("Where", {e.cast(c, kU8, DType::kBool), e.cast(t, type, computed), e.cast(f, type, computed)});
        e.cast_into(selected, computed, type, out);
      });
}

MLOperand MLGraphBuilder::reshape(const MLOperand& x, const Shape& new_shape, const MLOptions& options) {
  OpCheck check("reshape", options, {});
  check_operand(check.where(), "input", x);
  check_positive(check, "newShape", new_shape);
  if (element_count(new_shape) != element_count(x.shape())) {
    check.fail("newShape {} has {} elements; input {} has {}", format_shape(new_shape), element_count(new_shape),
               describe(x), element_count(x.shape()));
  }
  const std::string name = x.name();
  return add_node1("reshape", {x}, {x.data_type(), new_shape}, [=](OnnxEmitter& e, const std::string& out) {
    e.node("Reshape", {name, e.int64s(new_shape)}, {out});
  });
}

MLOperand MLGraphBuilder::transpose(const MLOperand& x, const MLOptions& options) {
  OpCheck check("transpose", options, {"permutation"});
  check_operand(check.where(), "input", x);
  std::vector<int64_t> reversed(x.rank());
  std::iota(reversed.rbegin(), reversed.rend(), 0);
  const auto permutation = check.get_ints("permutation", reversed);
  check_length(check, "permutation", permutation, x.rank());
  check.axes("permutation", permutation, x.rank());
  Shape shape;
  for (int64_t axis : permutation) shape.push_back(x.shape()[axis]);
  const std::string name = x.name();
  return add_node1("transpose", {x}, {x.data_type(), shape}, [=](OnnxEmitter& e, const std::string& out) {
    set_attribute(e.node("Transpose", {name}, {out}), "perm", permutation);
  });
}

MLOperand MLGraphBuilder::concat(const std::vector<MLOperand>& inputs, int64_t axis, const MLOptions& options) {
  OpCheck check("concat", options, {});
  if (inputs.empty()) check.fail("needs at least one input");
  for (size_t i = 0; i < inputs.size(); ++i) check_operand(check.where(), fmt::format("inputs[{}]", i), inputs[i]);
  const MLOperand& first = inputs[0];
  check.axis("axis", axis, first.rank());
  Shape shape = first.shape();
  shape[axis] = 0;
  std::vector<std::string> names;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const MLOperand& input = inputs[i];
    const std::string role = fmt::format("inputs[{}]", i);
    check.same_dtype(role, input, first.data_type());
    check.rank(role, input, first.rank());
    for (size_t d = 0; d < first.rank(); ++d) {
      if (static_cast<int64_t>(d) != axis && input.shape()[d] != first.shape()[d]) {
        check.fail("{} {} differs from inputs[0] {} outside axis {}", role, describe(input), describe(first), axis);
      }
    }
    shape[axis] += input.shape()[axis];
    names.push_back(input.name());
  }
  return add_node1("concat", inputs, {first.data_type(), shape}, [=](OnnxEmitter& e, const std::string& out) {
    set_attribute(e.node("Concat", names, {out}), "axis", axis);
  });
}

std::vector<MLOperand> MLGraphBuilder::split(const MLOperand& x, int64_t parts, const MLOptions& options) {
  OpCheck check("split", options, {"axis"});
  check_operand(check.where(), "input", x);
  const int64_t axis = check.axis("axis", check.get_int("axis", 0), x.rank());
  if (parts <= 0) check.fail("splits must be positive, got {}", parts);
  if (x.shape()[axis] % parts != 0) {
    check.fail("dimension {} of input {} ({}) is not divisible into {} parts", axis, describe(x), x.shape()[axis],
               parts);
  }
  return split_sizes(x, std::vector<int64_t>(parts, x.shape()[axis] / parts), axis);
}

std::vector<MLOperand> MLGraphBuilder::split(const MLOperand& x, const std::vector<int64_t>& sizes,
                                             const MLOptions& options) {
  OpCheck check("split", options, {"axis"});
  check_operand(check.where(), "input", x);
  const int64_t axis = check.axis("axis", check.get_int("axis", 0), x.rank());
  if (sizes.empty()) check.fail("splits is empty");
  check_positive(check, "splits", sizes);
  if (std::accumulate(sizes.begin(), sizes.end(), int64_t{0}) != x.shape()[axis]) {
    check.fail("splits sum to {}, but dimension {} of input {} is {}",
               std::accumulate(sizes.begin(), sizes.end(), int64_t{0}), axis, describe(x), x.shape()[axis]);
  }
  return split_sizes(x, sizes, axis);
}

std::vector<MLOperand> MLGraphBuilder::split_sizes(const MLOperand& x, const std::vector<int64_t>& sizes,
                                                   int64_t axis) {
  std::vector<MLOperandDescriptor> outputs;
  for (int64_t size : sizes) {
    Shape shape = x.shape();
    shape[axis] = size;
    outputs.push_back({x.data_type(), shape});
  }
  const std::string name = x.name();
  return add_node("split", {x}, outputs, [=](OnnxEmitter& e, const std::vector<std::string>& out) {
    set_attribute(e.node("Split", {name, e.int64s(sizes)}, out), "axis", axis);
  });
}

MLOperand MLGraphBuilder::slice(const MLOperand& x, const std::vector<int64_t>& starts,
                                const std::vector<int64_t>& sizes, const MLOptions& options) {
  OpCheck check("slice", options, {"strides"});
  check_operand(check.where(), "input", x);
  check_length(check, "starts", starts, x.rank());
  check_length(check, "sizes", sizes, x.rank());
  const auto strides = check.get_ints("strides", std::vector<int64_t>(x.rank(), 1));
  check_length(check, "strides", strides, x.rank());
  check_positive(check, "strides", strides);
  check_positive(check, "sizes", sizes);
  Shape shape;
  std::vector<int64_t> ends, axes;
  for (size_t d = 0; d < x.rank(); ++d) {
    if (starts[d] < 0 || starts[d] + sizes[d] > x.shape()[d]) {
      check.fail("starts[{}] + sizes[{}] = {} + {} is outside dimension {} of input {}", d, d, starts[d], sizes[d],
                 x.shape()[d], describe(x));
    }
    shape.push_back((sizes[d] + strides[d] - 1) / strides[d]);
    ends.push_back(starts[d] + sizes[d]);
    axes.push_back(static_cast<int64_t>(d));
  }
  const std::string name = x.name();
  return add_node1("slice", {x}, {x.data_type(), shape}, [=](OnnxEmitter& e, const std::string& out) {
    if (axes.empty()) {
      e.node("Identity", {name}, {out});
      return;
    }
    e.node("Slice", {name, e.int64s(starts), e.int64s(ends), e.int64s(axes), e.int64s(strides)}, {out});
  });
}

MLOperand MLGraphBuilder::expand(const MLOperand& x, const Shape& new_shape, const MLOptions& options) {
  OpCheck check("expand", options, {});
  check_operand(check.where(), "input", x);
  check_positive(check, "newShape", new_shape);
  check.broadcastable_to("input", x.shape(), new_shape);
  const std::string name = x.name();
  return add_node1("expand", {x}, {x.data_type(), new_shape}, [=](OnnxEmitter& e, const std::string& out) {
    e.node("Expand", {name, e.int64s(new_shape)}, {out});
  });
}

MLOperand MLGraphBuilder::pad(const MLOperand& x, const std::vector<int64_t>& beginning,
                              const std::vector<int64_t>& ending, const MLOptions& options) {
  OpCheck check("pad", options, {"mode", "value"});
  check_operand(check.where(), "input", x);
  check_length(check, "beginningPadding", beginning, x.rank());
  check_length(check, "endingPadding", ending, x.rank());
  const std::string mode = check.get_enum("mode", "constant", {"constant", "edge", "reflection"});
  const double value = check.get_double("value", 0.0);
  Shape shape;
  for (size_t d = 0; d < x.rank(); ++d) {
    if (beginning[d] < 0 || ending[d] < 0) check.fail("padding of dimension {} is negative", d);
    if (mode == "reflection" && (beginning[d] >= x.shape()[d] || ending[d] >= x.shape()[d])) {
      check.fail("reflection padding of dimension {} must be smaller than its size {}", d, x.shape()[d]);
    }
    shape.push_back(x.shape()[d] + beginning[d] + ending[d]);
  }
  std::vector<int64_t> pads = beginning;
  pads.insert(pads.end(), ending.begin(), ending.end());
  const DType type = x.data_type();
  const std::string name = x.name();
  const std::string onnx_mode = mode == "reflection" ? "reflect" : mode;
  return add_node1("pad", {x}, {type, shape}, [=](OnnxEmitter& e, const std::string& out) {
    const DType computed = compute_type(type, kMovable);
    std::vector<std::string> inputs = {name, e.int64s(pads)};
    if (mode == "constant") inputs.push_back(e.scalar(computed, value));
    set_attribute(e.typed("Pad", inputs, 1, out, type, kMovable), "mode", onnx_mode);
  });
}

MLOperand MLGraphBuilder::tile(const MLOperand& x, const std::vector<int64_t>& repetitions, const MLOptions& options) {
  OpCheck check("tile", options, {});
  check_operand(check.where(), "input", x);
  check_length(check, "repetitions", repetitions, x.rank());
  check_positive(check, "repetitions", repetitions);
  Shape shape;
  for (size_t d = 0; d < x.rank(); ++d) shape.push_back(x.shape()[d] * repetitions[d]);
  const DType type = x.data_type();
  const std::string name = x.name();
  return add_node1("tile", {x}, {type, shape}, [=](OnnxEmitter& e, const std::string& out) {
    e.typed("Tile", {name, e.int64s(repetitions)}, 1, out, type, kMovable);
  });
}

MLOperand MLGraphBuilder::gather(const MLOperand& x, const MLOperand& indices, const MLOptions& options) {
  OpCheck check("gather", options, {"axis"});
  check_operand(check.where(), "input", x);
  check_operand(check.where(), "indices", indices);
  check.dtype("indices", indices, kIndexTypes);
  const int64_t axis = check.axis("axis", check.get_int("axis", 0), x.rank());
  Shape shape(x.shape().begin(), x.shape().begin() + axis);
  shape.insert(shape.end(), indices.shape().begin(), indices.shape().end());
  shape.insert(shape.end(), x.shape().begin() + axis + 1, x.shape().end());
  const DType index_type = indices.data_type();
  const std::string name = x.name(), index_name = indices.name();
  return add_node1("gather", {x, indices}, {x.data_type(), shape}, [=](OnnxEmitter& e, const std::string& out) {
    set_attribute(e.node("Gather", {name, e.cast(index_name, index_type, kI64)}, {out}), "axis", axis);
  });
}

MLOperand MLGraphBuilder::gather_elements(const MLOperand& x, const MLOperand& indices, const MLOptions& options) {
  OpCheck check("gatherElements", options, {"axis"});
  check_operand(check.where(), "input", x);
  check_operand(check.where(), "indices", indices);
  check.dtype("indices", indices, kIndexTypes);
  const int64_t axis = check.axis("axis", check.get_int("axis", 0), x.rank());
  check.rank("indices", indices, x.rank());
  for (size_t d = 0; d < x.rank(); ++d) {
    if (static_cast<int64_t>(d) != axis && indices.shape()[d] != x.shape()[d]) {
      check.fail("indices {} must match input {} outside axis {}", describe(indices), describe(x), axis);
    }
  }
  const DType index_type = indices.data_type();
  const std::string name = x.name(), index_name = indices.name();
  return add_node1(
      "gatherElements", {x, indices}, {x.data_type(), indices.shape()}, [=](OnnxEmitter& e, const std::string& out) {
        set_attribute(e.node("GatherElements", {name, e.cast(index_name, index_type, kI64)}, {out}), "axis", axis);
      });
}

MLOperand MLGraphBuilder::gather_nd(const MLOperand& x, const MLOperand& indices, const MLOptions& options) {
  OpCheck check("gatherND", options, {});
  check_operand(check.where(), "input", x);
  check_operand(check.where(), "indices", indices);
  check.dtype("indices", indices, kIndexTypes);
  if (x.rank() < 1 || indices.rank() < 1) check.fail("input and indices must have rank 1 or more");
  const int64_t k = indices.shape().back();
  if (k > static_cast<int64_t>(x.rank()))
    check.fail("indices {} index {} dimensions of input {}", describe(indices), k, describe(x));
  Shape shape(indices.shape().begin(), indices.shape().end() - 1);
  shape.insert(shape.end(), x.shape().begin() + k, x.shape().end());
  const DType index_type = indices.data_type();
  const std::string name = x.name(), index_name = indices.name();
  return add_node1("gatherND", {x, indices}, {x.data_type(), shape}, [=](OnnxEmitter& e, const std::string& out) {
    e.node("GatherND", {name, e.cast(index_name, index_type, kI64)}, {out});
  });
}

MLOperand MLGraphBuilder::scatter_elements(const MLOperand& x, const MLOperand& indices, const MLOperand& updates,
                                           const MLOptions& options) {
  OpCheck check("scatterElements", options, {"axis"});
  check_operand(check.where(), "input", x);
  check_operand(check.where(), "indices", indices);
  check_operand(check.where(), "updates", updates);
  check.dtype("indices", indices, kIndexTypes);
  check.same_dtype("updates", updates, x.data_type());
  const int64_t axis = check.axis("axis", check.get_int("axis", 0), x.rank());
  check.rank("indices", indices, x.rank());
  check.shape("updates", updates, indices.shape());
  for (size_t d = 0; d < x.rank(); ++d) {
    if (static_cast<int64_t>(d) != axis && indices.shape()[d] != x.shape()[d]) {
      check.fail("indices {} must match input {} outside axis {}", describe(indices), describe(x), axis);
    }
  }
  const DType index_type = indices.data_type();
  const std::string name = x.name(), index_name = indices.name(), update_name = updates.name();
  return add_node1(
      "scatterElements", {x, indices, updates}, x.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
        set_attribute(e.node("ScatterElements", {name, e.cast(index_name, index_type, kI64), update_name}, {out}),
                      "axis", axis);
      });
}

MLOperand MLGraphBuilder::scatter_nd(const MLOperand& x, const MLOperand& indices, const MLOperand& updates,
                                     const MLOptions& options) {
  OpCheck check("scatterND", options, {});
  check_operand(check.where(), "input", x);
  check_operand(check.where(), "indices", indices);
  check_operand(check.where(), "updates", updates);
  check.dtype("indices", indices, kIndexTypes);
  check.same_dtype("updates", updates, x.data_type());
  if (x.rank() < 1 || indices.rank() < 1) check.fail("input and indices must have rank 1 or more");
  const int64_t k = indices.shape().back();
  if (k > static_cast<int64_t>(x.rank()))
    check.fail("indices {} index {} dimensions of input {}", describe(indices), k, describe(x));
  Shape expected(indices.shape().begin(), indices.shape().end() - 1);
  expected.insert(expected.end(), x.shape().begin() + k, x.shape().end());
  check.shape("updates", updates, expected);
  const DType index_type = indices.data_type();
  const std::string name = x.name(), index_name = indices.name(), update_name = updates.name();
  return add_node1("scatterND", {x, indices, updates}, x.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    e.node("ScatterND", {name, e.cast(index_name, index_type, kI64), update_name}, {out});
  });
}

MLOperand MLGraphBuilder::cumulative_sum(const MLOperand& x, int64_t axis, const MLOptions& options) {
  OpCheck check("cumulativeSum", options, {"exclusive", "reversed"});
  check_operand(check.where(), "input", x);
  check.input_dtype("input", x);
  check.axis("axis", axis, x.rank());
  const bool exclusive = check.get_bool("exclusive", false), reversed = check.get_bool("reversed", false);
  const DType type = x.data_type();
  const std::string name = x.name();
  return add_node1("cumulativeSum", {x}, x.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    Tensor axis_tensor(e.fresh_name("axis"), kI64, {});
    axis_tensor.data<int64_t>()[0] = axis;
    e.graph().add_initializer(axis_tensor);
    auto& node = e.typed("CumSum", {name, axis_tensor.name()}, 1, out, type, {kF32, kI32, kI64});
    set_attribute(node, "exclusive", static_cast<int64_t>(exclusive));
    set_attribute(node, "reverse", static_cast<int64_t>(reversed));
  });
}

MLOperand MLGraphBuilder::reverse(const MLOperand& x, const MLOptions& options) {
  OpCheck check("reverse", options, {"axes"});
  check_operand(check.where(), "input", x);
  std::vector<int64_t> all(x.rank());
  std::iota(all.begin(), all.end(), 0);
  const auto axes = check.get_ints("axes", all);
  check.axes("axes", axes, x.rank());
  const std::string name = x.name();
  return add_node1("reverse", {x}, x.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    if (axes.empty()) {
      e.node("Identity", {name}, {out});
      return;
    }
    const std::vector<int64_t> starts(axes.size(), -1), steps(axes.size(), -1);
    const std::vector<int64_t> ends(axes.size(), std::numeric_limits<int64_t>::min());
    e.node("Slice", {name, e.int64s(starts), e.int64s(ends), e.int64s(axes), e.int64s(steps)}, {out});
  });
}

MLOperand MLGraphBuilder::triangular(const MLOperand& x, const MLOptions& options) {
  OpCheck check("triangular", options, {"upper", "diagonal"});
  check_operand(check.where(), "input", x);
  if (x.rank() < 2) check.fail("input {} must have rank 2 or more", describe(x));
  const bool upper = check.get_bool("upper", true);
  const int64_t diagonal = check.get_int("diagonal", 0);
  const DType type = x.data_type();
  const std::string name = x.name();
  return add_node1("triangular", {x}, x.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    Tensor k(e.fresh_name("diagonal"), kI64, {});
    k.data<int64_t>()[0] = diagonal;
    e.graph().add_initializer(k);
    set_attribute(e.typed("Trilu", {name, k.name()}, 1, out, type, {kF32, kI64}), "upper", static_cast<int64_t>(upper));
  });
}

}  // namespace inferfoundry::webnn
