// MLGraphBuilder: build-time validation (errors name the operation and the operand), shape inference,
// and the converted ONNX model (names kept, constants as initializers, accepted by ONNX's checker).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>

#include "core/error.h"
#include "support/cli_runner.h"
#include "webnn/graph_builder.h"

namespace inferfoundry::webnn {
namespace {

using ::testing::HasSubstr;

MLOperandDescriptor f32(Shape shape) { return {DType::kFloat32, std::move(shape)}; }

Tensor filled(DType type, const Shape& shape) {
  Tensor tensor("", type, shape);
  for (auto& byte : tensor.bytes()) byte = std::byte{1};
  return tensor;
}

// One invalid use of the builder and the words its error must contain.
struct InvalidCase {
  std::string name;
  std::function<void(MLGraphBuilder&)> misuse;
  std::vector<std::string> expected;
};

// Names the case in test listings instead of GoogleTest's byte dump of the struct.
void PrintTo(const InvalidCase& invalid, std::ostream* out) { *out << invalid.name; }

class WebnnBuilderValidation : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(WebnnBuilderValidation, ThrowsUsageErrorNamingTheOperationAndOperand) {
  MLGraphBuilder builder;
  try {
    GetParam().misuse(builder);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUsage);
    for (const auto& part : GetParam().expected) EXPECT_THAT(error.what(), HasSubstr(part));
  }
}

MLOperand in(MLGraphBuilder& b, const std::string& name, Shape shape, DType type = DType::kFloat32) {
  return b.input(name, {type, std::move(shape)});
}

INSTANTIATE_TEST_SUITE_P(
    Ops, WebnnBuilderValidation,
    ::testing::Values(
        InvalidCase{"BroadcastMismatch", [](auto& b) { b.add(in(b, "a", {2, 3}), in(b, "b", {4})); }, {"add", "not broadcastable"}},
        InvalidCase{"MixedTypes", [](auto& b) { b.mul(in(b, "a", {2}), in(b, "b", {2}, DType::kInt32)); }, {"mul", "'b'", "data type"}},
        InvalidCase{"LogicalNeedsUint8", [](auto& b) { b.logical_and(in(b, "a", {2}), in(b, "b", {2})); }, {"logicalAnd", "'a'", "uint8"}},
        InvalidCase{"FloatOnlyUnary", [](auto& b) { b.exp(in(b, "x", {2}, DType::kInt32)); }, {"exp", "'x'", "int32"}},
        InvalidCase{"UnknownOption", [](auto& b) { b.transpose(in(b, "x", {2, 3}), {{"perm", std::vector<int64_t>{1, 0}}}); }, {"transpose", "unknown option 'perm'"}},
        InvalidCase{"LabelInErrors", [](auto& b) { b.softmax(in(b, "x", {2, 3}), 2, {{"label", std::string("probs")}}); }, {"softmax 'probs'", "axis 2"}},
        InvalidCase{"BadPermutation", [](auto& b) { b.transpose(in(b, "x", {2, 3}), {{"permutation", std::vector<int64_t>{0, 0}}}); }, {"transpose", "twice"}},
        InvalidCase{"ReshapeCount", [](auto& b) { b.reshape(in(b, "x", {2, 3}), {4}); }, {"reshape", "'x'", "elements"}},
        InvalidCase{"MatmulInner", [](auto& b) { b.matmul(in(b, "a", {2, 3}), in(b, "b", {4, 5})); }, {"matmul", "'a'", "'b'"}},
        InvalidCase{"GemmRank", [](auto& b) { b.gemm(in(b, "a", {2, 3, 4}), in(b, "b", {4, 5})); }, {"gemm", "'a'", "rank 2"}},
        InvalidCase{"ConvChannels", [](auto& b) { b.conv2d(in(b, "x", {1, 3, 8, 8}), in(b, "w", {4, 2, 3, 3})); }, {"conv2d", "'x'", "'w'", "channels"}},
        InvalidCase{"ConvBiasShape", [](auto& b) {
          b.conv2d(in(b, "x", {1, 3, 8, 8}), in(b, "w", {4, 3, 3, 3}), {{"bias", in(b, "bias", {3})}});
        }, {"conv2d", "bias", "'bias'", "shape 4"}},
        InvalidCase{"ConvWindowTooBig", [](auto& b) { b.conv2d(in(b, "x", {1, 1, 2, 2}), in(b, "w", {1, 1, 3, 3})); }, {"conv2d", "window"}},
        InvalidCase{"PoolBadRounding", [](auto& b) { b.max_pool2d(in(b, "x", {1, 1, 4, 4}), {{"roundingType", std::string("up")}}); }, {"maxPool2d", "roundingType", "floor, ceil"}},
        InvalidCase{"ConcatMismatch", [](auto& b) { b.concat({in(b, "a", {2, 3}), in(b, "b", {3, 3})}, 1); }, {"concat", "inputs[1]", "'b'"}},
        InvalidCase{"SplitUneven", [](auto& b) { b.split(in(b, "x", {5}), 2); }, {"split", "not divisible"}},
        InvalidCase{"SliceOutside", [](auto& b) { b.slice(in(b, "x", {4}), {2}, {3}); }, {"slice", "outside"}},
        InvalidCase{"ExpandIncompatible", [](auto& b) { b.expand(in(b, "x", {3}), {2, 4}); }, {"expand", "cannot be broadcast"}},
        InvalidCase{"GatherIndexType", [](auto& b) { b.gather(in(b, "x", {3}), in(b, "i", {2})); }, {"gather", "indices", "'i'"}},
        InvalidCase{"WhereCondition", [](auto& b) { b.where(in(b, "c", {2}), in(b, "t", {2}), in(b, "f", {2})); }, {"where", "condition", "'c'", "uint8"}},
        InvalidCase{"ReduceAxes", [](auto& b) { b.reduce_sum(in(b, "x", {2, 3}), {{"axes", std::vector<int64_t>{2}}}); }, {"reduceSum", "axes"}},
        InvalidCase{"ClampRange", [](auto& b) { b.clamp(in(b, "x", {2}), {{"minValue", 2.0}, {"maxValue", 1.0}}); }, {"clamp", "minValue"}},
        InvalidCase{"PadReflection", [](auto& b) { b.pad(in(b, "x", {2}), {2}, {0}, {{"mode", std::string("reflection")}}); }, {"pad", "reflection"}},
        InvalidCase{"TriangularRank", [](auto& b) { b.triangular(in(b, "x", {3})); }, {"triangular", "'x'", "rank 2"}},
        InvalidCase{"GruWeights", [](auto& b) { b.gru(in(b, "x", {2, 1, 4}), in(b, "w", {1, 9, 5}), in(b, "r", {1, 9, 3}), 2, 3); }, {"gru", "weight", "'w'"}},
        InvalidCase{"LstmSteps", [](auto& b) { b.lstm(in(b, "x", {2, 1, 4}), in(b, "w", {1, 12, 4}), in(b, "r", {1, 12, 3}), 3, 3); }, {"lstm", "steps"}},
        InvalidCase{"QuantizeZeroPointType", [](auto& b) { b.quantize_linear(in(b, "x", {4}), in(b, "s", {1}), in(b, "z", {1})); }, {"quantizeLinear", "zeroPoint", "'z'"}},
        InvalidCase{"InputNameTaken", [](auto& b) { in(b, "x", {1}); in(b, "x", {2}); }, {"input 'x'", "already used"}},
        InvalidCase{"NonPositiveDimension", [](auto& b) { in(b, "x", {0, 2}); }, {"input 'x'", "not positive"}},
        InvalidCase{"ConstantSize", [](auto& b) { b.constant(f32({2, 2}), filled(DType::kFloat32, {3})); }, {"constant", "bytes"}},
        InvalidCase{"OutputIsInput", [](auto& b) { b.build({{"y", in(b, "x", {1})}}); }, {"build", "'y'", "input or constant"}},
        InvalidCase{"OperandFromOtherBuilder", [](auto& b) {
          MLGraphBuilder other;
          b.relu(other.input("x", f32({1})));
        }, {"relu", "another MLGraphBuilder"}}),
    [](const auto& info) { return info.param.name; });

TEST(WebnnBuilder, InfersShapesOfConvolutionsAndPools) {
  MLGraphBuilder b;
  auto x = in(b, "x", {1, 8, 8, 3});
  auto conv = b.conv2d(x, in(b, "w", {3, 3, 3, 16}),
                       {{"inputLayout", std::string("nhwc")},
                        {"filterLayout", std::string("hwio")},
                        {"strides", std::vector<int64_t>{2, 2}},
                        {"padding", std::vector<int64_t>{1, 1, 1, 1}}});
  EXPECT_EQ(conv.shape(), (Shape{1, 4, 4, 16}));
  auto pooled = b.average_pool2d(conv, {{"layout", std::string("nhwc")},
                                        {"windowDimensions", std::vector<int64_t>{3, 3}},
                                        {"strides", std::vector<int64_t>{2, 2}},
                                        {"roundingType", std::string("ceil")}});
  EXPECT_EQ(pooled.shape(), (Shape{1, 2, 2, 16}));
  auto up = b.conv_transpose2d(in(b, "y", {1, 2, 3, 3}), in(b, "k", {2, 5, 3, 3}),
                               {{"strides", std::vector<int64_t>{2, 2}}, {"outputSizes", std::vector<int64_t>{8, 8}}});
  EXPECT_EQ(up.shape(), (Shape{1, 5, 8, 8}));
}

TEST(WebnnBuilder, InfersShapesOfDataMovement) {
  MLGraphBuilder b;
  auto x = in(b, "x", {2, 3, 4});
  EXPECT_EQ(b.gather(x, in(b, "i", {5, 6}, DType::kInt32), {{"axis", int64_t{1}}}).shape(), (Shape{2, 5, 6, 4}));
  EXPECT_EQ(b.gather_nd(x, in(b, "n", {7, 2}, DType::kInt64)).shape(), (Shape{7, 4}));
  EXPECT_EQ(b.reduce_mean(x, {{"axes", std::vector<int64_t>{0, 2}}, {"keepDimensions", true}}).shape(),
            (Shape{1, 3, 1}));
  EXPECT_EQ(b.arg_max(x, 1).data_type(), DType::kInt32);
  EXPECT_EQ(b.slice(x, {0, 1, 0}, {2, 2, 4}, {{"strides", std::vector<int64_t>{1, 1, 3}}}).shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(b.split(x, std::vector<int64_t>{1, 3}, {{"axis", int64_t{2}}})[1].shape(), (Shape{2, 3, 3}));
  EXPECT_EQ(b.greater(x, b.constant(DType::kFloat32, 0.5)).data_type(), DType::kUInt8);
  EXPECT_EQ(b.matmul(in(b, "m", {5, 1, 2, 4}), in(b, "n2", {3, 4, 6})).shape(), (Shape{5, 3, 2, 6}));
}

TEST(WebnnBuilder, ConvertsToOnnxKeepingNamesAndConstants) {
  MLGraphBuilder b;
  auto x = in(b, "image", {1, 4});
  auto w = b.constant(f32({4, 2}), filled(DType::kFloat32, {4, 2}));
  auto hidden = b.matmul(x, w);
  MLGraph graph = b.build({{"logits", hidden}, {"probs", b.softmax(hidden, 1)}});
  const auto& model = graph.onnx_model();
  EXPECT_EQ(model.opset_import(0).version(), 17);
  EXPECT_EQ(model.ir_version(), 8);
  ASSERT_EQ(model.graph().input_size(), 1);
  EXPECT_EQ(model.graph().input(0).name(), "image");
  ASSERT_EQ(model.graph().output_size(), 2);
  EXPECT_EQ(model.graph().output(0).name(), "logits");
  EXPECT_EQ(model.graph().output(1).name(), "probs");
  ASSERT_EQ(model.graph().initializer_size(), 1);
  EXPECT_EQ(model.graph().initializer(0).name(), "constant_0");
  // ONNX node names lead back to the WebNN operation that emitted them.
  EXPECT_EQ(model.graph().node(0).name(), "matmul_0/MatMul_0");
  EXPECT_EQ(model.graph().node(0).output(0), "matmul_0");
  EXPECT_EQ(graph.hash().size(), 64u);
  EXPECT_THROW(b.relu(x), Error);  // a builder builds once
}

TEST(WebnnBuilder, LeavesOutOperationsNoOutputNeeds) {
  MLGraphBuilder b;
  auto x = in(b, "x", {3});
  auto unused = in(b, "unused", {3});
  b.exp(unused);
  MLGraph graph = b.build({{"y", b.abs(x)}});
  EXPECT_EQ(graph.inputs().size(), 1u);
  for (const auto& node : graph.onnx_model().graph().node()) EXPECT_NE(node.op_type(), "Exp");
}

// Converts a graph using many operations and checks it with onnx.checker (python3-onnx), full check.
TEST(WebnnConverter, OutputPassesOnnxChecker) {
  MLGraphBuilder b;
  auto x = in(b, "x", {1, 2, 6, 6});
  auto conv = b.conv2d(x, in(b, "w", {4, 2, 3, 3}),
                       {{"padding", std::vector<int64_t>{1, 1, 1, 1}}, {"bias", in(b, "bias", {4})}});
  auto normed = b.batch_normalization(conv, in(b, "mean", {4}), in(b, "var", {4}));
  auto pooled = b.max_pool2d(
      b.gelu(normed), {{"windowDimensions", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}}});
  auto flat = b.reshape(pooled, {1, 36});
  auto q = b.quantize_linear(flat, b.constant(DType::kFloat32, 0.1), b.constant(DType::kInt8, 0));
  auto seq = b.reshape(b.slice(flat, {0, 0}, {1, 24}), {2, 1, 12});
  auto gru = b.gru(seq, in(b, "gw", {2, 9, 12}), in(b, "gr", {2, 9, 3}), 2, 3,
                   {{"direction", std::string("both")}, {"returnSequence", true}, {"layout", std::string("rzn")}});
  MLGraph graph = b.build({{"q", q},
                           {"mask", b.is_nan(flat)},
                           {"top", b.arg_max(flat, 1)},
                           {"h", gru[0]},
                           {"seq", gru[1]},
                           {"tri", b.triangular(b.reshape(flat, {6, 6}))},
                           {"cum", b.cumulative_sum(flat, 1)}});
  testing::TempDir dir;
  graph.to_onnx(dir / "graph.onnx");
  const std::string command =
      std::string(PYTHON3_EXECUTABLE) +
      " -c \"import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)\" " +
      (dir / "graph.onnx").string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

}  // namespace
}  // namespace inferfoundry::webnn
