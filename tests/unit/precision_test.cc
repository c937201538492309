// fp16 conversion: the model computes in float16, its interface stays float, float-only inputs stay float.
#include "model/precision.h"

#include <cstring>
#include <map>

#include <gtest/gtest.h>

#include "core/float16.h"
#include "model/graph_builder.h"

namespace inferfoundry {
namespace {

constexpr int32_t kFloat = onnx::TensorProto::FLOAT;
constexpr int32_t kFloat16 = onnx::TensorProto::FLOAT16;

Tensor float_tensor(const std::string& name, Shape shape, std::vector<float> values) {
  Tensor tensor(name, DType::kFloat32, std::move(shape));
  std::memcpy(tensor.bytes().data(), values.data(), values.size() * sizeof(float));
  return tensor;
}

// x(float 1x4) -> MatMul W -> Add (Constant value_float) -> Cast(to=float) -> Relu -> y (float)
//                                                           also: ids(int64) -> Identity -> ids_out
Model small_model() {
  GraphBuilder builder("small");
  builder.add_input("x", DType::kFloat32, {fixed_dim(1), fixed_dim(4)});
  builder.add_input("ids", DType::kInt64, {fixed_dim(2)});
  builder.add_output("y", DType::kFloat32, {fixed_dim(1), fixed_dim(4)});
  builder.add_output("ids_out", DType::kInt64, {fixed_dim(2)});
  std::vector<float> weights(16, 0.5f);
  weights[0] = 1e6f;  // beyond float16's range: clamped
  builder.add_initializer(float_tensor("W", {4, 4}, weights));
  builder.add_node("MatMul", {"x", "W"}, {"xw"});
  auto& constant = builder.add_node("Constant", {}, {"bias"});
  set_attribute(constant, "value_float", 0.25f);
  builder.add_node("Add", {"xw", "bias"}, {"sum"});
  auto& cast = builder.add_node("Cast", {"sum"}, {"sum_float"});
  set_attribute(cast, "to", static_cast<int64_t>(kFloat));
  builder.add_node("Relu", {"sum_float"}, {"y"});
  builder.add_node("Identity", {"ids"}, {"ids_out"});
  return Model::from_proto(builder.build(), "small");
}

const onnx::NodeProto* producer_of(const onnx::GraphProto& graph, const std::string& name) {
  for (const auto& node : graph.node()) {
    for (const auto& output : node.output()) {
      if (output == name) return &node;
    }
  }
  return nullptr;
}

int64_t int_attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& attribute : node.attribute()) {
    if (attribute.name() == name) return attribute.i();
  }
  return -1;
}

TEST(Fp16Conversion, KeepsFloatInterfaceWithCastsInside) {
  Fp16Report report;
  const onnx::ModelProto converted = convert_to_fp16(small_model(), &report);
  const auto& graph = converted.graph();
  EXPECT_EQ(graph.input(0).type().tensor_type().elem_type(), kFloat);
  EXPECT_EQ(graph.output(0).type().tensor_type().elem_type(), kFloat);
  EXPECT_EQ(graph.input(1).type().tensor_type().elem_type(), onnx::TensorProto::INT64);

  // The first node casts x to float16 and the MatMul reads the cast.
  const onnx::NodeProto& first = graph.node(0);
  EXPECT_EQ(first.op_type(), "Cast");
  EXPECT_EQ(first.input(0), "x");
  EXPECT_EQ(int_attribute(first, "to"), kFloat16);
  const onnx::NodeProto* matmul = producer_of(graph, "xw");
  ASSERT_NE(matmul, nullptr);
  EXPECT_EQ(matmul->input(0), first.output(0));

  // y is produced by a final Cast back to float from the renamed Relu output.
  const onnx::NodeProto* y = producer_of(graph, "y");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->op_type(), "Cast");
  EXPECT_EQ(int_attribute(*y, "to"), kFloat);
  const onnx::NodeProto* relu = producer_of(graph, y->input(0));
  ASSERT_NE(relu, nullptr);
  EXPECT_EQ(relu->op_type(), "Relu");

  // The int64 path is untouched.
  EXPECT_EQ(producer_of(graph, "ids_out")->op_type(), "Identity");
  EXPECT_EQ(report.io_casts, 2);  // x in, y out; ids is not float
}

TEST(Fp16Conversion, ConvertsWeightsConstantsAndCastsAndClampsOutOfRangeValues) {
  Fp16Report report;
  const onnx::ModelProto converted = convert_to_fp16(small_model(), &report);
  const auto& graph = converted.graph();
  ASSERT_EQ(graph.initializer_size(), 1);
  const auto& weights = graph.initializer(0);
  EXPECT_EQ(weights.data_type(), kFloat16);
  ASSERT_EQ(weights.raw_data().size(), 16u * 2);
  uint16_t first = 0, second = 0;
  std::memcpy(&first, weights.raw_data().data(), 2);
  std::memcpy(&second, weights.raw_data().data() + 2, 2);
  EXPECT_EQ(half_to_float(first), 65504.0f);
  EXPECT_EQ(half_to_float(second), 0.5f);
  EXPECT_EQ(report.initializers, 1);
  EXPECT_EQ(report.clamped_values, 1);

  const onnx::NodeProto* bias = producer_of(graph, "bias");
  ASSERT_NE(bias, nullptr);
  ASSERT_EQ(bias->attribute_size(), 1);
  EXPECT_EQ(bias->attribute(0).name(), "value");
  EXPECT_EQ(bias->attribute(0).t().data_type(), kFloat16);
  EXPECT_EQ(report.constants, 1);

  const onnx::NodeProto* cast = producer_of(graph, "sum_float");
  ASSERT_NE(cast, nullptr);
  EXPECT_EQ(int_attribute(*cast, "to"), kFloat16);
  EXPECT_EQ(report.casts_retargeted, 1);
}

TEST(Fp16Conversion, ResizeScalesStayFloat) {
  GraphBuilder builder("resize");
  builder.add_input("image", DType::kFloat32, {fixed_dim(1), fixed_dim(1), fixed_dim(2), fixed_dim(2)});
  builder.add_output("big", DType::kFloat32, {fixed_dim(1), fixed_dim(1), fixed_dim(4), fixed_dim(4)});
  builder.add_initializer(float_tensor("scales", {4}, {1, 1, 2, 2}));
  builder.add_node("Resize", {"image", "", "scales"}, {"big"});
  Fp16Report report;
  const onnx::ModelProto converted = convert_to_fp16(Model::from_proto(builder.build(), "resize"), &report);
  const onnx::NodeProto* resize = nullptr;
  for (const auto& node : converted.graph().node()) {
    if (node.op_type() == "Resize") resize = &node;
  }
  ASSERT_NE(resize, nullptr);
  EXPECT_EQ(resize->input(1), "");  // absent roi stays absent
  const onnx::NodeProto* scales = producer_of(converted.graph(), resize->input(2));
  ASSERT_NE(scales, nullptr);
  EXPECT_EQ(scales->op_type(), "Cast");
  EXPECT_EQ(int_attribute(*scales, "to"), kFloat);
  EXPECT_EQ(report.float_only_inputs, 1);
}

TEST(Fp16Conversion, NodesAreInTopologicalOrder) {
  const onnx::ModelProto converted = convert_to_fp16(small_model());
  std::map<std::string, bool> available = {{"x", true}, {"ids", true}, {"W", true}};
  for (const auto& node : converted.graph().node()) {
    for (const auto& input : node.input())
      EXPECT_TRUE(input.empty() || available.count(input)) << node.op_type() << " reads " << input;
    for (const auto& output : node.output()) available[output] = true;
  }
}

}  // namespace
}  // namespace inferfoundry
