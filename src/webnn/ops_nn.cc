// Neural-network operations: matmul, gemm, convolutions, pooling, normalizations, resample2d and
// quantization. Layout options (nhwc, hwio, ...) lower to Transposes around ONNX's NCHW operators, and
// operations ONNX opset 17 lacks in the spec's generality (normalization over any axes, block-wise
// quantization) lower to element-wise decompositions.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "webnn/graph_builder.h"
#include "webnn/onnx_emitter.h"
#include "webnn/validation.h"

namespace inferfoundry::webnn {

namespace {

std::vector<int64_t> permute(const Shape& shape, const std::vector<int64_t>& permutation) {
  std::vector<int64_t> result;
  for (int64_t axis : permutation) result.push_back(shape[axis]);
  return result;
}

std::string transposed(OnnxEmitter& e, const std::string& value, const std::vector<int64_t>& permutation) {
  if (permutation.empty()) return value;
  onnx::NodeProto* node = nullptr;
  std::string result = e.value("Transpose", {value}, &node);
  set_attribute(*node, "perm", permutation);
  return result;
}

const std::vector<int64_t> kNhwcToNchw = {0, 3, 1, 2};
const std::vector<int64_t> kNchwToNhwc = {0, 2, 3, 1};

// The 2-D window options that convolutions and pools share.
struct Window2d {
  std::vector<int64_t> padding;    // beginHeight, endHeight, beginWidth, endWidth
  std::vector<int64_t> strides;    // height, width
  std::vector<int64_t> dilations;  // height, width
};

Window2d read_window(const OpCheck& check) {
  Window2d window{check.get_ints("padding", {0, 0, 0, 0}), check.get_ints("strides", {1, 1}),
                  check.get_ints("dilations", {1, 1})};
  if (window.padding.size() != 4) check.fail("padding must have 4 values, got {}", window.padding.size());
  if (window.strides.size() != 2) check.fail("strides must have 2 values, got {}", window.strides.size());
  if (window.dilations.size() != 2) check.fail("dilations must have 2 values, got {}", window.dilations.size());
  for (int64_t p : window.padding) {
    if (p < 0) check.fail("padding must not be negative");
  }
  for (int64_t v : window.strides) {
    if (v <= 0) check.fail("strides must be positive");
  }
  for (int64_t v : window.dilations) {
    if (v <= 0) check.fail("dilations must be positive");
  }
  return window;
}

// ONNX orders pads as [begin_h, begin_w, end_h, end_w].
std::vector<int64_t> onnx_pads(const Window2d& window) {
  return {window.padding[0], window.padding[2], window.padding[1], window.padding[3]};
}

int64_t window_output(const OpCheck& check, int64_t input, int64_t kernel, int64_t pad_begin, int64_t pad_end,
                      int64_t stride, int64_t dilation, bool ceil_rounding) {
  const int64_t span = dilation * (kernel - 1) + 1;
  const int64_t padded = input + pad_begin + pad_end;
  if (span > padded) check.fail("the window ({} with dilation) is larger than the padded input ({})", span, padded);
  const int64_t steps = padded - span;
  return (ceil_rounding ? (steps + stride - 1) / stride : steps / stride) + 1;
}

void set_window_attributes(onnx::NodeProto& node, const Window2d& window, const std::vector<int64_t>& kernel) {
  set_attribute(node, "kernel_shape", kernel);
  set_attribute(node, "pads", onnx_pads(window));
  set_attribute(node, "strides", window.strides);
}

// Reshapes a rank-1 per-channel operand so it broadcasts along `axis` of a rank-`rank` tensor.
std::string along_axis(OnnxEmitter& e, const std::string& value, int64_t size, int64_t axis, size_t rank) {
  std::vector<int64_t> shape(rank, 1);
  shape[axis] = size;
  return e.value("Reshape", {value, e.int64s(shape)});
}

}  // namespace

MLOperand MLGraphBuilder::matmul(const MLOperand& a, const MLOperand& b, const MLOptions& options) {
  OpCheck check("matmul", options, {});
  check_operand(check.where(), "a", a);
  check_operand(check.where(), "b", b);
  check.input_dtype("a", a);
  check.same_dtype("b", b, a.data_type());
  if (a.rank() < 2 || b.rank() < 2) check.fail("a {} and b {} must have rank 2 or more", describe(a), describe(b));
  const int64_t m = a.shape()[a.rank() - 2], k = a.shape().back(), k2 = b.shape()[b.rank() - 2], n = b.shape().back();
  if (k != k2) check.fail("a {} has {} columns but b {} has {} rows", describe(a), k, describe(b), k2);
  Shape shape =
      check.broadcast(Shape(a.shape().begin(), a.shape().end() - 2), Shape(b.shape().begin(), b.shape().end() - 2));
  shape.push_back(m);
  shape.push_back(n);
  const DType type = a.data_type();
  const std::string x = a.name(), y = b.name();
  return add_node1("matmul", {a, b}, {type, shape}, [=](OnnxEmitter& e, const std::string& out) {
    e.typed("MatMul", {x, y}, 2, out, type, {kF32});
  });
}

MLOperand MLGraphBuilder::gemm(const MLOperand& a, const MLOperand& b, const MLOptions& options) {
  OpCheck check("gemm", options, {"c", "alpha", "beta", "aTranspose", "bTranspose"});
  check_operand(check.where(), "a", a);
  check_operand(check.where(), "b", b);
  check.input_dtype("a", a);
  check.same_dtype("b", b, a.data_type());
  check.rank("a", a, 2);
  check.rank("b", b, 2);
  const bool ta = check.get_bool("aTranspose", false), tb = check.get_bool("bTranspose", false);
  const double alpha = check.get_double("alpha", 1.0), beta = check.get_double("beta", 1.0);
  const int64_t m = a.shape()[ta ? 1 : 0], k = a.shape()[ta ? 0 : 1];
  const int64_t k2 = b.shape()[tb ? 1 : 0], n = b.shape()[tb ? 0 : 1];
  if (k != k2) check.fail("a {} gives {} columns but b {} gives {} rows", describe(a), k, describe(b), k2);
  std::vector<MLOperand> inputs = {a, b};
  std::string c_name;
  if (auto c = check.get_operand("c")) {
    check_operand(check.where(), "c", *c);
    check.same_dtype("c", *c, a.data_type());
    if (c->rank() > 2) check.fail("c {} must have rank 2 or less", describe(*c));
    check.broadcastable_to("c", c->shape(), {m, n});
    c_name = c->name();
    inputs.push_back(*c);
  }
  const DType type = a.data_type();
  const std::string x = a.name(), y = b.name();
  return add_node1("gemm", inputs, {type, {m, n}}, [=](OnnxEmitter& e, const std::string& out) {
    std::vector<std::string> names = {x, y};
    if (!c_name.empty()) names.push_back(c_name);
    auto& node = e.typed("Gemm", names, names.size(), out, type, {kF32});
    set_attribute(node, "alpha", static_cast<float>(alpha));
    set_attribute(node, "beta", static_cast<float>(beta));
    set_attribute(node, "transA", static_cast<int64_t>(ta));
    set_attribute(node, "transB", static_cast<int64_t>(tb));
  });
}

namespace {

// What conv2d and convTranspose2d check alike once both operands are known to be valid: their data types
// and ranks, the window, groups and the input layout.
struct ConvCommon {
  Window2d window;
  int64_t groups = 1;
  bool nhwc = false;
  Shape x;  // the input's shape as NCHW
};

ConvCommon read_conv_common(const OpCheck& check, const MLOperand& input, const MLOperand& filter) {
  check.input_dtype("input", input);
  check.same_dtype("filter", filter, input.data_type());
  check.rank("input", input, 4);
  check.rank("filter", filter, 4);
  ConvCommon common{.window = read_window(check), .groups = check.get_int("groups", 1), .nhwc = false, .x = {}};
  if (common.groups <= 0) check.fail("groups must be positive");
  common.nhwc = check.get_enum("inputLayout", "nchw", {"nchw", "nhwc"}) == "nhwc";
  common.x = common.nhwc ? permute(input.shape(), kNhwcToNchw) : input.shape();
  return common;
}

// Checks the optional bias (one value per output channel) and adds it to the node's inputs. Returns its
// name, empty when there is none.
std::string add_conv_bias(const OpCheck& check, const MLOperand& input, const std::optional<MLOperand>& bias,
                          int64_t channels, std::vector<MLOperand>& inputs) {
  if (!bias) return "";
  check.same_dtype("bias", *bias, input.data_type());
  check.shape("bias", *bias, {channels});
  inputs.push_back(*bias);
  return bias->name();
}

// One ONNX Conv or ConvTranspose as conv2d and convTranspose2d emit it.
struct ConvNode {
  std::string op;                       // "Conv" or "ConvTranspose"
  std::string input, filter, bias;      // bias empty when absent
  std::vector<int64_t> filter_to_onnx;  // permutation to ONNX's filter layout; empty when it has it already
  bool nhwc = false;
  DType type = DType::kFloat32;
  Window2d window;
  std::vector<int64_t> kernel;
  int64_t groups = 1;
  std::vector<int64_t> output_padding;  // ConvTranspose only
};

// ONNX convolutions take NCHW and float32 here: the operands are transposed and cast on the way in, and
// the result goes back to the operand's layout and type.
void emit_conv(OnnxEmitter& e, const ConvNode& c, const std::string& out) {
  std::vector<std::string> names = {
      e.cast(transposed(e, c.input, c.nhwc ? kNhwcToNchw : std::vector<int64_t>{}), c.type, kF32),
      e.cast(transposed(e, c.filter, c.filter_to_onnx), c.type, kF32)};
  if (!c.bias.empty()) names.push_back(e.cast(c.bias, c.type, kF32));
  onnx::NodeProto* node = nullptr;
  const std::string result = e.value(c.op, names, &node);
  set_window_attributes(*node, c.window, c.kernel);
  set_attribute(*node, "dilations", c.window.dilations);
  set_attribute(*node, "group", c.groups);
  if (!c.output_padding.empty()) set_attribute(*node, "output_padding", c.output_padding);
  e.cast_into(transposed(e, result, c.nhwc ? kNchwToNhwc : std::vector<int64_t>{}), kF32, c.type, out);
}

}  // namespace

MLOperand MLGraphBuilder::conv2d(const MLOperand& input, const MLOperand& filter, const MLOptions& options) {
  OpCheck check("conv2d", options,
                {"padding", "strides", "dilations", "groups", "inputLayout", "filterLayout", "bias"});
  check_operand(check.where(), "input", input);
  check_operand(check.where(), "filter", filter);
  const auto [window, groups, nhwc, x] = read_conv_common(check, input, filter);
  const std::string filter_layout = check.get_enum("filterLayout", "oihw", {"oihw", "hwio", "ohwi", "ihwo"});
  const std::vector<int64_t> to_oihw = filter_layout == "hwio"   ? std::vector<int64_t>{3, 2, 0, 1}
                                       : filter_layout == "ohwi" ? std::vector<int64_t>{0, 3, 1, 2}
                                       : filter_layout == "ihwo" ? std::vector<int64_t>{3, 0, 1, 2}
                                                                 : std::vector<int64_t>{};
  const Shape w = to_oihw.empty() ? filter.shape() : permute(filter.shape(), to_oihw);
  if (x[1] != w[1] * groups) {
    check.fail("input {} has {} channels but filter {} expects {} x {} groups", describe(input), x[1], describe(filter),
               w[1], groups);
  }
  if (w[0] % groups != 0) check.fail("filter output channels {} are not divisible by groups {}", w[0], groups);
  std::vector<MLOperand> inputs = {input, filter};
  const auto bias = check.get_operand("bias");
  if (bias) check_operand(check.where(), "bias", *bias);
  const std::string bias_name = add_conv_bias(check, input, bias, w[0], inputs);
  const int64_t oh = window_output(check, x[2], w[2], window.padding[0], window.padding[1], window.strides[0],
                                   window.dilations[0], false);
  const int64_t ow = window_output(check, x[3], w[3], window.padding[2], window.padding[3], window.strides[1],
                                   window.dilations[1], false);
  const Shape nchw_out = {x[0], w[0], oh, ow};
  const Shape out_shape = nhwc ? permute(nchw_out, kNchwToNhwc) : nchw_out;
  const ConvNode node{.op = "Conv",
                      .input = input.name(),
                      .filter = filter.name(),
                      .bias = bias_name,
                      .filter_to_onnx = to_oihw,
                      .nhwc = nhwc,
                      .type = input.data_type(),
                      .window = window,
                      .kernel = {w[2], w[3]},
                      .groups = groups,
                      .output_padding = {}};
  return add_node1("conv2d", inputs, {node.type, out_shape},
                   [=](OnnxEmitter& e, const std::string& out) { emit_conv(e, node, out); });
}

MLOperand MLGraphBuilder::conv_transpose2d(const MLOperand& input, const MLOperand& filter, const MLOptions& options) {
  OpCheck check("convTranspose2d", options,
                {"padding", "strides", "dilations", "outputPadding", "outputSizes", "groups", "inputLayout",
                 "filterLayout", "bias"});
  check_operand(check.where(), "input", input);
  check_operand(check.where(), "filter", filter);
  const auto [window, groups, nhwc, x] = read_conv_common(check, input, filter);
  const std::string filter_layout = check.get_enum("filterLayout", "iohw", {"iohw", "hwoi", "ohwi"});
  const std::vector<int64_t> to_iohw = filter_layout == "hwoi"   ? std::vector<int64_t>{3, 2, 0, 1}
                                       : filter_layout == "ohwi" ? std::vector<int64_t>{3, 0, 1, 2}
                                                                 : std::vector<int64_t>{};
  const Shape w = to_iohw.empty() ? filter.shape() : permute(filter.shape(), to_iohw);
  if (x[1] != w[0])
    check.fail("input {} has {} channels but filter {} expects {}", describe(input), x[1], describe(filter), w[0]);
  if (w[0] % groups != 0) check.fail("input channels {} are not divisible by groups {}", w[0], groups);
  std::vector<int64_t> output_padding = check.get_ints("outputPadding", {0, 0});
  if (output_padding.size() != 2) check.fail("outputPadding must have 2 values");
  Shape spatial(2);
  for (int i = 0; i < 2; ++i) {
    const int64_t full = (x[2 + i] - 1) * window.strides[i] + (w[2 + i] - 1) * window.dilations[i] + 1 -
                         window.padding[2 * i] - window.padding[2 * i + 1];
    spatial[i] = full + output_padding[i];
  }
  if (auto sizes = check.get_ints("outputSizes")) {
    if (sizes->size() != 2) check.fail("outputSizes must have 2 values");
    for (int i = 0; i < 2; ++i) {
      const int64_t base = spatial[i] - output_padding[i];
      if ((*sizes)[i] < base || (*sizes)[i] >= base + window.strides[i]) {
        check.fail("outputSizes[{}] = {} is not reachable: it must be in [{}, {})", i, (*sizes)[i], base,
                   base + window.strides[i]);
      }
      output_padding[i] = (*sizes)[i] - base;
      spatial[i] = (*sizes)[i];
    }
  }
  for (int i = 0; i < 2; ++i) {
    if (output_padding[i] < 0 || output_padding[i] >= window.strides[i]) {
      check.fail("outputPadding[{}] = {} must be smaller than the stride {}", i, output_padding[i], window.strides[i]);
    }
    if (spatial[i] <= 0) check.fail("the output would have no elements along spatial dimension {}", i);
  }
  const int64_t out_channels = w[1] * groups;
  std::vector<MLOperand> inputs = {input, filter};
  const auto bias = check.get_operand("bias");
  if (bias) check_operand(check.where(), "bias", *bias);
  const std::string bias_name = add_conv_bias(check, input, bias, out_channels, inputs);
  const Shape nchw_out = {x[0], out_channels, spatial[0], spatial[1]};
  const ConvNode node{.op = "ConvTranspose",
                      .input = input.name(),
                      .filter = filter.name(),
                      .bias = bias_name,
                      .filter_to_onnx = to_iohw,
                      .nhwc = nhwc,
                      .type = input.data_type(),
                      .window = window,
                      .kernel = {w[2], w[3]},
                      .groups = groups,
                      .output_padding = output_padding};
  return add_node1("convTranspose2d", inputs, {node.type, nhwc ? permute(nchw_out, kNchwToNhwc) : nchw_out},
                   [=](OnnxEmitter& e, const std::string& out) { emit_conv(e, node, out); });
}

MLOperand MLGraphBuilder::pool2d(const std::string& op, const MLOperand& input, const MLOptions& options) {
  OpCheck check(op, options,
                {"windowDimensions", "padding", "strides", "dilations", "layout", "roundingType", "outputSizes"});
  check_operand(check.where(), "input", input);
  check.input_dtype("input", input);
  check.rank("input", input, 4);
  const Window2d window = read_window(check);
  const bool nhwc = check.get_enum("layout", "nchw", {"nchw", "nhwc"}) == "nhwc";
  bool ceil_rounding = check.get_enum("roundingType", "floor", {"floor", "ceil"}) == "ceil";
  const Shape x = nhwc ? permute(input.shape(), kNhwcToNchw) : input.shape();
  const auto kernel = check.get_ints("windowDimensions", {x[2], x[3]});
  if (kernel.size() != 2 || kernel[0] <= 0 || kernel[1] <= 0) check.fail("windowDimensions must be 2 positive values");
  Shape spatial(2);
  for (int i = 0; i < 2; ++i) {
    spatial[i] = window_output(check, x[2 + i], kernel[i], window.padding[2 * i], window.padding[2 * i + 1],
                               window.strides[i], window.dilations[i], ceil_rounding);
  }
  if (auto sizes = check.get_ints("outputSizes")) {
    // outputSizes picks between floor and ceil rounding; anything else is unreachable.
    Shape floors(2), ceils(2);
    for (int i = 0; i < 2; ++i) {
      floors[i] = window_output(check, x[2 + i], kernel[i], window.padding[2 * i], window.padding[2 * i + 1],
                                window.strides[i], window.dilations[i], false);
      ceils[i] = window_output(check, x[2 + i], kernel[i], window.padding[2 * i], window.padding[2 * i + 1],
                               window.strides[i], window.dilations[i], true);
    }
    if (*sizes == ceils)
      ceil_rounding = true;
    else if (*sizes == floors)
      ceil_rounding = false;
    else
      check.fail("outputSizes {} must be {} (floor) or {} (ceil)", format_shape(*sizes), format_shape(floors),
                 format_shape(ceils));
    spatial = *sizes;
  }
  const bool dilated = window.dilations != std::vector<int64_t>{1, 1};
  // Opset 17's AveragePool and LpPool have no dilations, and LpPool no ceil mode.
  if (op != "maxPool2d" && dilated)
    check.fail("dilations other than 1 are not supported (ONNX opset 17 has none for this pool)");
  if (op == "l2Pool2d" && ceil_rounding)
    check.fail("ceil rounding is not supported (ONNX opset 17 LpPool has no ceil mode)");
  const Shape nchw_out = {x[0], x[1], spatial[0], spatial[1]};
  const DType type = input.data_type();
  const std::string name = input.name();
  const std::string onnx_op = op == "maxPool2d" ? "MaxPool" : op == "averagePool2d" ? "AveragePool" : "LpPool";
  return add_node1(op, {input}, {type, nhwc ? permute(nchw_out, kNchwToNhwc) : nchw_out},
                   [=](OnnxEmitter& e, const std::string& out) {
                     onnx::NodeProto* node = nullptr;
                     const std::string in =
                         e.cast(transposed(e, name, nhwc ? kNhwcToNchw : std::vector<int64_t>{}), type, kF32);
                     std::string result = e.value(onnx_op, {in}, &node);
                     set_window_attributes(*node, window, kernel);
                     if (onnx_op == "LpPool")
                       set_attribute(*node, "p", int64_t{2});
                     else
                       set_attribute(*node, "ceil_mode", static_cast<int64_t>(ceil_rounding));
                     if (onnx_op == "MaxPool") set_attribute(*node, "dilations", window.dilations);
                     e.cast_into(transposed(e, result, nhwc ? kNchwToNhwc : std::vector<int64_t>{}), kF32, type, out);
                   });
}

MLOperand MLGraphBuilder::average_pool2d(const MLOperand& x, const MLOptions& o) {
  return pool2d("averagePool2d", x, o);
}
MLOperand MLGraphBuilder::max_pool2d(const MLOperand& x, const MLOptions& o) { return pool2d("maxPool2d", x, o); }
MLOperand MLGraphBuilder::l2_pool2d(const MLOperand& x, const MLOptions& o) { return pool2d("l2Pool2d", x, o); }

namespace {
// (x - mean) / sqrt(variance + epsilon) * scale + bias, all in float32; scale and bias optional ("").
std::string normalize(OnnxEmitter& e, const std::string& x, const std::string& mean, const std::string& variance,
                      const std::string& scale, const std::string& bias, double epsilon) {
  const std::string centered = e.value("Sub", {x, mean});
  const std::string deviation = e.value("Sqrt", {e.value("Add", {variance, e.scalar(kF32, epsilon)})});
  std::string result = e.value("Div", {centered, deviation});
  if (!scale.empty()) result = e.value("Mul", {result, scale});
  if (!bias.empty()) result = e.value("Add", {result, bias});
  return result;
}

// mean and variance over `axes`, kept as size-1 dimensions.
std::pair<std::string, std::string> moments(OnnxEmitter& e, const std::string& x, const std::vector<int64_t>& axes) {
  onnx::NodeProto* node = nullptr;
  const std::string mean = e.value("ReduceMean", {x}, &node);
  set_attribute(*node, "axes", axes);
  const std::string centered = e.value("Sub", {x, mean});
  const std::string variance = e.value("ReduceMean", {e.value("Mul", {centered, centered})}, &node);
  set_attribute(*node, "axes", axes);
  return {mean, variance};
}
}  // namespace

MLOperand MLGraphBuilder::batch_normalization(const MLOperand& input, const MLOperand& mean, const MLOperand& variance,
                                              const MLOptions& options) {
  OpCheck check("batchNormalization", options, {"scale", "bias", "axis", "epsilon"});
  check_operand(check.where(), "input", input);
  check_operand(check.where(), "mean", mean);
  check_operand(check.where(), "variance", variance);
  check.input_dtype("input", input);
  const int64_t axis = check.axis("axis", check.get_int("axis", 1), input.rank());
  const double epsilon = check.get_double("epsilon", 1e-5);
  const int64_t channels = input.shape()[axis];
  std::vector<MLOperand> inputs = {input, mean, variance};
  std::vector<std::string> names = {mean.name(), variance.name(), "", ""};
  const char* roles[] = {"mean", "variance", "scale", "bias"};
  std::vector<std::optional<MLOperand>> params = {mean, variance, check.get_operand("scale"),
                                                  check.get_operand("bias")};
  for (size_t i = 0; i < params.size(); ++i) {
    if (!params[i]) continue;
    check_operand(check.where(), roles[i], *params[i]);
    check.same_dtype(roles[i], *params[i], input.data_type());
    check.shape(roles[i], *params[i], {channels});
    names[i] = params[i]->name();
    if (i >= 2) inputs.push_back(*params[i]);
  }
  const DType type = input.data_type();
  const std::string name = input.name();
  const size_t rank = input.rank();
  return add_node1("batchNormalization", inputs, input.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    std::vector<std::string> shaped;
    for (const auto& param : names) {
      shaped.push_back(param.empty() ? "" : along_axis(e, e.cast(param, type, kF32), channels, axis, rank));
    }
    const std::string result =
        normalize(e, e.cast(name, type, kF32), shaped[0], shaped[1], shaped[2], shaped[3], epsilon);
    e.cast_into(result, kF32, type, out);
  });
}

MLOperand MLGraphBuilder::instance_normalization(const MLOperand& input, const MLOptions& options) {
  OpCheck check("instanceNormalization", options, {"scale", "bias", "epsilon", "layout"});
  check_operand(check.where(), "input", input);
  check.input_dtype("input", input);
  check.rank("input", input, 4);
  const double epsilon = check.get_double("epsilon", 1e-5);
  const bool nhwc = check.get_enum("layout", "nchw", {"nchw", "nhwc"}) == "nhwc";
  const int64_t channel_axis = nhwc ? 3 : 1;
  const int64_t channels = input.shape()[channel_axis];
  std::vector<MLOperand> inputs = {input};
  std::vector<std::string> names = {"", ""};
  const char* roles[] = {"scale", "bias"};
  for (int i = 0; i < 2; ++i) {
    if (auto param = check.get_operand(roles[i])) {
      check_operand(check.where(), roles[i], *param);
      check.same_dtype(roles[i], *param, input.data_type());
      check.shape(roles[i], *param, {channels});
      names[i] = param->name();
      inputs.push_back(*param);
    }
  }
  const DType type = input.data_type();
  const std::string name = input.name();
  const std::vector<int64_t> spatial = nhwc ? std::vector<int64_t>{1, 2} : std::vector<int64_t>{2, 3};
  return add_node1("instanceNormalization", inputs, input.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    const std::string x = e.cast(name, type, kF32);
    const auto [mean, variance] = moments(e, x, spatial);
    std::vector<std::string> shaped;
    for (const auto& param : names)
      shaped.push_back(param.empty() ? "" : along_axis(e, e.cast(param, type, kF32), channels, channel_axis, 4));
    e.cast_into(normalize(e, x, mean, variance, shaped[0], shaped[1], epsilon), kF32, type, out);
  });
}

MLOperand MLGraphBuilder::layer_normalization(const MLOperand& input, const MLOptions& options) {
  OpCheck check("layerNormalization", options, {"scale", "bias", "axes", "epsilon"});
  check_operand(check.where(), "input", input);
  check.input_dtype("input", input);
  std::vector<int64_t> trailing;
  for (size_t i = 1; i < input.rank(); ++i) trailing.push_back(static_cast<int64_t>(i));
  const auto axes = check.get_ints("axes", trailing);
  check.axes("axes", axes, input.rank());
  const double epsilon = check.get_double("epsilon", 1e-5);
  Shape param_shape;
  for (int64_t axis : axes) param_shape.push_back(input.shape()[axis]);
  std::vector<MLOperand> inputs = {input};
  std::vector<std::string> names = {"", ""};
  const char* roles[] = {"scale", "bias"};
  for (int i = 0; i < 2; ++i) {
    if (auto param = check.get_operand(roles[i])) {
      check_operand(check.where(), roles[i], *param);
      check.same_dtype(roles[i], *param, input.data_type());
      check.shape(roles[i], *param, param_shape);
      names[i] = param->name();
      inputs.push_back(*param);
    }
  }
  // scale and bias follow the order of `axes`; sorted, they broadcast once the other axes are 1.
  std::vector<int64_t> order(axes.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return axes[a] < axes[b]; });
  Shape broadcast_shape(input.rank(), 1);
  for (int64_t axis : axes) broadcast_shape[axis] = input.shape()[axis];
  const DType type = input.data_type();
  const std::string name = input.name();
  return add_node1("layerNormalization", inputs, input.descriptor(), [=](OnnxEmitter& e, const std::string& out) {
    const std::string x = e.cast(name, type, kF32);
    if (axes.empty()) {
      // Normalizing over no axes: each element is its own mean, so only the bias remains.
      std::string zero = e.value("Sub", {x, x});
      if (!names[1].empty()) zero = e.value("Add", {zero, e.cast(names[1], type, kF32)});
      e.cast_into(zero, kF32, type, out);
      return;
    }
    const auto [mean, variance] = moments(e, x, axes);
    std::vector<std::string> shaped;
    for (const auto& param : names) {
      if (param.empty()) {
        shaped.push_back("");
        continue;
      }
      const std::string sorted = transposed(e, e.cast(param, type, kF32), order);
      shaped.push_back(e.value("Reshape", {sorted, e.int64s(broadcast_shape)}));
    }
    e.cast_into(normalize(e, x, mean, variance, shaped[0], shaped[1], epsilon), kF32, type, out);
  });
}

MLOperand MLGraphBuilder::resample2d(const MLOperand& input, const MLOptions& options) {
  OpCheck check("resample2d", options, {"mode", "scales", "sizes", "axes"});
  check_operand(check.where(), "input", input);
  check.input_dtype("input", input);
  check.rank("input", input, 4);
  const std::string mode = check.get_enum("mode", "nearest-neighbor", {"nearest-neighbor", "linear"});
  const auto axes = check.get_ints("axes", {2, 3});
  if (axes.size() != 2) check.fail("axes must have 2 values");
  check.axes("axes", axes, 4);
  const auto scales = check.get_doubles("scales").value_or(std::vector<double>{1.0, 1.0});
  if (scales.size() != 2 || scales[0] <= 0 || scales[1] <= 0) check.fail("scales must be 2 positive values");
  Shape shape = input.shape();
  if (auto sizes = check.get_ints("sizes")) {
    if (sizes->size() != 2 || (*sizes)[0] <= 0 || (*sizes)[1] <= 0) check.fail("sizes must be 2 positive values");
    shape[axes[0]] = (*sizes)[0];
    shape[axes[1]] = (*sizes)[1];
  } else {
    for (int i = 0; i < 2; ++i) {
      shape[axes[i]] = static_cast<int64_t>(std::floor(static_cast<double>(input.shape()[axes[i]]) * scales[i]));
      if (shape[axes[i]] <= 0) check.fail("scale {} leaves dimension {} empty", scales[i], axes[i]);
    }
  }
  const DType type = input.data_type();
  const std::string name = input.name();
  return add_node1("resample2d", {input}, {type, shape}, [=](OnnxEmitter& e, const std::string& out) {
    const std::string x = e.cast(name, type, kF32);
    onnx::NodeProto* node = nullptr;
    const std::string result = e.value("Resize", {x, "", "", e.int64s(shape)}, &node);
    set_attribute(*node, "mode", std::string(mode == "linear" ? "linear" : "nearest"));
    set_attribute(*node, "coordinate_transformation_mode", std::string("half_pixel"));
    if (mode != "linear") set_attribute(*node, "nearest_mode", std::string("round_prefer_floor"));
    e.cast_into(result, kF32, type, out);
  });
}

namespace {
std::pair<double, double> integer_range(DType type) {
  switch (type) {
    case DType::kInt8:
      return {-128, 127};
    case DType::kUInt8:
      return {0, 255};
    case DType::kInt32:
      return {-2147483648.0, 2147483647.0};
    default:
      return {0, 0};
  }
}
}  // namespace

MLOperand MLGraphBuilder::quantize_linear(const MLOperand& input, const MLOperand& scale, const MLOperand& zero_point,
                                          const MLOptions& options) {
  OpCheck check("quantizeLinear", options, {});
  check_operand(check.where(), "input", input);
  check_operand(check.where(), "scale", scale);
  check_operand(check.where(), "zeroPoint", zero_point);
  check.input_dtype("input", input);
  check.same_dtype("scale", scale, input.data_type());
  check.dtype("zeroPoint", zero_point, {kI8, kU8, kI32});
  check.shape("zeroPoint", zero_point, scale.shape());
  check.broadcastable_to("scale", scale.shape(), input.shape());
  const DType type = input.data_type(), q_type = zero_point.data_type();
  const auto [low, high] = integer_range(q_type);
  const std::string x = input.name(), s = scale.name(), z = zero_point.name();
  // Decomposed so that any broadcastable scale works (ONNX 17 has only per-tensor and per-axis scales).
  return add_node1("quantizeLinear", {input, scale, zero_point}, {q_type, input.shape()},
                   [=](OnnxEmitter& e, const std::string& out) {
                     const std::string ratio = e.value("Div", {e.cast(x, type, kF32), e.cast(s, type, kF32)});
                     const std::string shifted = e.value("Add", {e.value("Round", {ratio}), e.cast(z, q_type, kF32)});
                     const std::string clipped = e.value("Clip", {shifted, e.scalar(kF32, low), e.scalar(kF32, high)});
                     e.cast_into(clipped, kF32, q_type, out);
                   });
}

MLOperand MLGraphBuilder::dequantize_linear(const MLOperand& input, const MLOperand& scale, const MLOperand& zero_point,
                                            const MLOptions& options) {
  OpCheck check("dequantizeLinear", options, {});
  check_operand(check.where(), "input", input);
  check_operand(check.where(), "scale", scale);
  check_operand(check.where(), "zeroPoint", zero_point);
  check.input_dtype("input", input);
  check.dtype("scale", scale, kFloats);
  check.same_dtype("zeroPoint", zero_point, input.data_type());
  check.shape("zeroPoint", zero_point, scale.shape());
  check.broadcastable_to("scale", scale.shape(), input.shape());
  const DType q_type = input.data_type(), type = scale.data_type();
  const std::string x = input.name(), s = scale.name(), z = zero_point.name();
  return add_node1("dequantizeLinear", {input, scale, zero_point}, {type, input.shape()},
                   [=](OnnxEmitter& e, const std::string& out) {
                     const std::string centered = e.value("Sub", {e.cast(x, q_type, kF32), e.cast(z, q_type, kF32)});
                     e.cast_into(e.value("Mul", {centered, e.cast(s, type, kF32)}), kF32, type, out);
                   });
}

}  // namespace inferfoundry::webnn
