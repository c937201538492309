// CPU-side tests of foundry's build pipeline: import, shape inference, constant folding, dead-node removal,
// fusions, formats, the memory planner and the plan format. No GPU needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/error.h"
#include "model/graph_builder.h"
#include "runtimes/foundry/import/onnx_import.h"
#include "runtimes/foundry/passes/passes.h"
#include "runtimes/foundry/passes/shape_inference.h"
#include "runtimes/foundry/plan/memory_plan.h"
#include "runtimes/foundry/plan/plan_format.h"
#include "runtimes/foundry/plan/planner.h"
#include "support/tensors.h"

namespace inferfoundry::foundry {
namespace {
using testing::int64_tensor;
using testing::random_tensor;

TEST(FoundryImport, ResolvesSymbolicShapesFromOptions) {
  GraphBuilder b("g");
  b.add_input("x", DType::kFloat32, {symbolic_dim("batch"), fixed_dim(3)});
  b.add_output("y", DType::kFloat32, {symbolic_dim("batch"), fixed_dim(3)});
  b.add_node("Relu", {"x"}, {"y"});
  const Model model = Model::from_proto(b.build(), "g");
  EXPECT_EQ(resolve_input_shapes(model, {{"batch", {5}}}).at("x"), (Shape{5, 3}));
  EXPECT_EQ(resolve_input_shapes(model, {}).at("x"), (Shape{1, 3}));
  EXPECT_THROW(resolve_input_shapes(model, {{"nope", {5}}}), Error);
  EXPECT_THROW(resolve_input_shapes(model, {{"x", {5, 4}}}), Error);
}

Model shape_arithmetic_model() {
  GraphBuilder b("reshape");
  b.add_input("x", DType::kFloat32, {symbolic_dim("batch"), fixed_dim(2), fixed_dim(3), fixed_dim(4)});
  b.add_output("y", DType::kFloat32, {symbolic_dim("batch"), fixed_dim(24)});
  b.add_initializer(int64_tensor("zero", {0}));
  b.add_initializer(int64_tensor("minus_one", {-1}));
  b.add_node("Shape", {"x"}, {"shape"});
  auto& gather = b.add_node("Gather", {"shape", "zero"}, {"batch"});
  set_attribute(gather, "axis", int64_t{0});
  auto& concat = b.add_node("Concat", {"batch", "minus_one"}, {"target"});
  set_attribute(concat, "axis", int64_t{0});
  b.add_node("Reshape", {"x", "target"}, {"flat"});
  b.add_node("Relu", {"flat"}, {"y"});
  return Model::from_proto(b.build(), "reshape");
}

TEST(FoundryShapeInference, FoldsShapeArithmeticIntoReshape) {
  Graph graph = import_onnx(shape_arithmetic_model(), {{"batch", {3}}});
  const int folded = infer_shapes_and_fold(graph);
  EXPECT_EQ(folded, 3);  // Shape, Gather, Concat
  remove_dead_nodes(graph);
  ASSERT_EQ(graph.nodes.size(), 2u);
  EXPECT_EQ(graph.nodes[0].op, "Reshape");
  EXPECT_EQ(graph.values[graph.nodes[0].outputs[0]].shape, (Shape{3, 24}));
  EXPECT_EQ(graph.values[graph.outputs[0]].shape, (Shape{3, 24}));
  lower_to_foundry_ops(graph);
  EXPECT_EQ(graph.nodes[0].op, "Alias");
  EXPECT_EQ(graph.nodes[1].op, "Elementwise");
}

TEST(FoundryShapeInference, ConstantOutputsAndNegativeFlattenAxis) {
  GraphBuilder b("shape_out");
  b.add_input("x", DType::kFloat32, {fixed_dim(2), fixed_dim(3), fixed_dim(4)});
  b.add_output("s", DType::kInt64, {fixed_dim(3)});
  b.add_output("f", DType::kFloat32, {fixed_dim(6), fixed_dim(4)});
  b.add_node("Shape", {"x"}, {"s"});
  auto& flat = b.add_node("Flatten", {"x"}, {"f"});
  set_attribute(flat, "axis", int64_t{-1});
  const PlanFile built =
      plan_model(Model::from_proto(b.build(), "shape_out"), {.format = {.fp16 = true, .nhwc = true}});
  const Value& s = built.graph.values[built.graph.outputs[0]];
  ASSERT_TRUE(s.is_constant());
  EXPECT_EQ(s.name, "s");
  EXPECT_EQ(s.dtype, DType::kInt64);
  EXPECT_EQ(std::vector<int64_t>(s.constant->data<int64_t>().begin(), s.constant->data<int64_t>().end()),
            (std::vector<int64_t>{2, 3, 4}));
  EXPECT_GE(s.offset, 0);  // read back from the weight block
  EXPECT_EQ(built.graph.values[built.graph.outputs[1]].shape, (Shape{6, 4}));
}

TEST(FoundryShapeInference, ConvPoolAndGemmShapes) {
  GraphBuilder b("shapes");
  b.add_input("x", DType::kFloat32, {fixed_dim(2), fixed_dim(3), fixed_dim(17), fixed_dim(17)});
  b.add_output("y", DType::kFloat32, {});
  b.add_initializer(random_tensor("w", {6, 3, 3, 3}, 1));
  b.add_initializer(random_tensor("fc", {5, 6 * 4 * 4}, 2));
  auto& conv = b.add_node("Conv", {"x", "w"}, {"c"});
  set_attribute(conv, "strides", std::vector<int64_t>{2, 2});
  set_attribute(conv, "auto_pad", std::string("SAME_UPPER"));
  auto& pool = b.add_node("MaxPool", {"c"}, {"p"});
  set_attribute(pool, "kernel_shape", std::vector<int64_t>{3, 3});
  set_attribute(pool, "strides", std::vector<int64_t>{2, 2});
  set_attribute(pool, "ceil_mode", int64_t{1});
  auto& flat = b.add_node("Flatten", {"p"}, {"f"});
  set_attribute(flat, "axis", int64_t{1});
  auto& gemm = b.add_node("Gemm", {"f", "fc"}, {"y"});
  set_attribute(gemm, "transB", int64_t{1});
  Graph graph = import_onnx(Model::from_proto(b.build(), "shapes"), {});
  infer_shapes_and_fold(graph);
  auto shape_of = [&](const std::string& name) {
    for (const Value& v : graph.values)
      if (v.name == name) return v.shape;
    return Shape{-1};
  };
  EXPECT_EQ(shape_of("c"), (Shape{2, 6, 9, 9}));
  EXPECT_EQ(shape_of("p"), (Shape{2, 6, 4, 4}));
  EXPECT_EQ(shape_of("f"), (Shape{2, 96}));
  EXPECT_EQ(shape_of("y"), (Shape{2, 5}));
}

Model conv_block_model() {
  GraphBuilder b("block");
  b.add_input("x", DType::kFloat32, {fixed_dim(1), fixed_dim(8), fixed_dim(6), fixed_dim(6)});
  b.add_output("probs", DType::kFloat32, {fixed_dim(1), fixed_dim(4)});
  b.add_initializer(random_tensor("w", {8, 8, 3, 3}, 1));
  b.add_initializer(random_tensor("gamma", {8}, 3));
  b.add_initializer(random_tensor("beta", {8}, 4));
  b.add_initializer(random_tensor("mean", {8}, 5));
  Tensor var = random_tensor("var", {8}, 6);
  for (float& v : var.data<float>()) v = v * v + 0.5f;
  b.add_initializer(var);
  b.add_initializer(random_tensor("fc", {8, 4}, 7));
  b.add_initializer(random_tensor("fcb", {4}, 8));
  auto& conv = b.add_node("Conv", {"x", "w"}, {"c"});
  set_attribute(conv, "pads", std::vector<int64_t>{1, 1, 1, 1});
  b.add_node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, {"bn"});
  b.add_node("Add", {"bn", "x"}, {"sum"});
  b.add_node("Relu", {"sum"}, {"act"});
  b.add_node("GlobalAveragePool", {"act"}, {"pooled"});
  b.add_node("Flatten", {"pooled"}, {"flat"});
  b.add_node("MatMul", {"flat", "fc"}, {"mm"});
  b.add_node("Add", {"mm", "fcb"}, {"logits"});
  b.add_node("Relu", {"logits"}, {"r"});
  b.add_node("Sigmoid", {"r"}, {"s"});
  b.add_node("Mul", {"s", "r"}, {"m"});
  auto& softmax = b.add_node("Softmax", {"m"}, {"probs"});
  set_attribute(softmax, "axis", int64_t{-1});
  return Model::from_proto(b.build(), "block");
}

TEST(FoundryFusion, FoldsBatchNormAndFusesEpilogues) {
  const PlanFile built = plan_model(conv_block_model(), {.format = {.fp16 = false, .nhwc = false}});
  const Graph& g = built.graph;
  std::vector<std::string> ops;
  for (const Node& n : g.nodes) ops.push_back(n.op);
  // Conv(+BN+Add+Relu), Reduce, Alias, Gemm(+bias+relu), Elementwise(sigmoid*x), Softmax.
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv", "Reduce", "Alias", "Gemm", "Elementwise", "Softmax"}));
  const Node& conv = g.nodes[0];
  EXPECT_EQ(conv.attr_string("activation", ""), "relu");
  ASSERT_EQ(conv.inputs.size(), 4u);  // x, w, b, residual
  EXPECT_EQ(g.values[conv.inputs[3]].name, "x");
  EXPECT_EQ(built.summary["batchnorm_folded"], 1);
  EXPECT_EQ(g.nodes[3].attr_string("activation", ""), "relu");
  EXPECT_EQ(g.nodes[3].inputs.size(), 3u);             // bias fused
  EXPECT_EQ(g.nodes[4].attr_ints("code").size(), 6u);  // Sigmoid and Mul merged: two instructions
}

TEST(FoundryFusion, BatchNormFoldKeepsTheMath) {
  // Folded weights applied by hand must equal conv followed by BN for one output element.
  const Model model = conv_block_model();
  const PlanFile built = plan_model(model, {.format = {.fp16 = false, .nhwc = false}});
  const Node& conv = built.graph.nodes[0];
  const Tensor& w = *built.graph.values[conv.inputs[1]].constant;
  const Tensor& b = *built.graph.values[conv.inputs[2]].constant;
  Graph original = import_onnx(model, {});
  auto find = [&](const std::string& name) -> const Tensor& {
    for (const Value& v : original.values)
      if (v.name == name) return *v.constant;
    throw std::runtime_error(name);
  };
  const Tensor &w0 = find("w"), &gamma = find("gamma"), &beta = find("beta"), &mean = find("mean"), &var = find("var");
  const int k = 5;
  const double scale = gamma.value_at(k) / std::sqrt(var.value_at(k) + 1e-5);
  EXPECT_NEAR(w.value_at(k * 72 + 10), w0.value_at(k * 72 + 10) * scale, 1e-5);
  EXPECT_NEAR(b.value_at(k), beta.value_at(k) - mean.value_at(k) * scale, 1e-5);
}

TEST(FoundryFormats, Fp16NhwcInsertsConversionsAtTheEdges) {
  const PlanFile built = plan_model(conv_block_model(), {.format = {.fp16 = true, .nhwc = true}});
  const Graph& g = built.graph;
  EXPECT_EQ(g.nodes.front().op, "Copy");  // fp32 NCHW input -> fp16 NHWC
  const Value& converted = g.values[g.nodes.front().outputs[0]];
  EXPECT_EQ(converted.dtype, DType::kFloat16);
  EXPECT_EQ(converted.layout, Layout::kNhwc);
  EXPECT_EQ(g.values[g.inputs[0]].dtype, DType::kFloat32);
  EXPECT_EQ(g.values[g.outputs[0]].dtype, DType::kFloat32);
  EXPECT_EQ(g.values[g.outputs[0]].name, "probs");
  EXPECT_EQ(g.nodes.back().op, "Copy");  // fp16 -> fp32 output
  for (const Node& n : g.nodes) {
    if (n.op != "Conv") continue;
    EXPECT_EQ(g.values[n.inputs[1]].dtype, DType::kFloat16);
    EXPECT_EQ(g.values[n.inputs[1]].layout, Layout::kNhwc);
    EXPECT_EQ(g.values[n.inputs[3]].layout, Layout::kNhwc);  // residual read in the conv's layout
  }
}

TEST(FoundryLowering, ListsEveryUnsupportedNode) {
  GraphBuilder b("bad");
  b.add_input("x", DType::kFloat32, {fixed_dim(2), fixed_dim(3)});
  b.add_output("y", DType::kFloat32, {fixed_dim(2), fixed_dim(3)});
  b.add_node("FancyOp", {"x"}, {"a"}).set_name("first");
  b.add_node("Relu", {"x"}, {"r"});
  b.add_node("OtherOp", {"r"}, {"b"}).set_name("second");
  b.add_node("Add", {"a", "b"}, {"y"});
  try {
    plan_model(Model::from_proto(b.build(), "bad"), {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kRuntime);
    const std::string message = e.what();
    EXPECT_NE(message.find("2 unsupported nodes"), std::string::npos) << message;
    EXPECT_NE(message.find("FancyOp (node 'first'"), std::string::npos) << message;
    EXPECT_NE(message.find("OtherOp (node 'second'"), std::string::npos) << message;
  }
}

TEST(FoundryPlanner, LiveBuffersNeverOverlapAndMemoryIsReused) {
  // A chain of 12 element-wise ops that cannot merge (each result is also read two steps later).
  GraphBuilder b("chain");
  b.add_input("x", DType::kFloat32, {fixed_dim(64), fixed_dim(64)});
  b.add_output("y", DType::kFloat32, {fixed_dim(64), fixed_dim(64)});
  std::string prev2 = "x", prev = "x";
  for (int k = 0; k < 12; ++k) {
    const std::string out = k == 11 ? "y" : "t" + std::to_string(k);
    b.add_node("Add", {prev, prev2}, {out});
    prev2 = prev;
    prev = out;
  }
  Graph graph = import_onnx(Model::from_proto(b.build(), "chain"), {});
  infer_shapes_and_fold(graph);
  remove_dead_nodes(graph);
  lower_to_foundry_ops(graph);
  const MemoryPlan plan = plan_memory(graph);
  EXPECT_LT(plan.arena_bytes, plan.unshared_bytes / 2);
  // Recompute lifetimes independently and check pairwise.
  const int steps = static_cast<int>(graph.nodes.size());
  std::vector<int> first(graph.values.size(), steps + 1), last(graph.values.size(), -2);
  for (int v : graph.inputs) first[v] = last[v] = -1;
  for (int n = 0; n < steps; ++n) {
    for (int v : graph.nodes[n].inputs) last[v] = std::max(last[v], n);
    for (int v : graph.nodes[n].outputs) first[v] = std::min(first[v], n), last[v] = std::max(last[v], n);
  }
  for (int v : graph.outputs) last[v] = steps;
  for (size_t a = 0; a < graph.values.size(); ++a) {
    for (size_t c = a + 1; c < graph.values.size(); ++c) {
      const Value &va = graph.values[a], &vc = graph.values[c];
      if (va.offset < 0 || vc.offset < 0 || va.is_constant() || vc.is_constant()) continue;
      const bool alive_together = first[a] <= last[c] && first[c] <= last[a];
      const bool overlap = va.offset < vc.offset + static_cast<int64_t>(vc.byte_size()) &&
                           vc.offset < va.offset + static_cast<int64_t>(va.byte_size());
      EXPECT_FALSE(alive_together && overlap) << va.name << " and " << vc.name;
    }
  }
}

PlanFile sample_plan() {
  return plan_model(conv_block_model(), {.format = {.fp16 = true, .nhwc = true}}, {{"model", "abc"}});
}

TEST(FoundryPlanFormat, RoundTripsGraphWeightsAndChoices) {
  PlanFile plan = sample_plan();
  plan.graph.nodes[1].attrs["algo"] = int64_t{6};
  const std::string bytes = serialize_plan(plan);
  const PlanFile back = deserialize_plan(bytes);
  EXPECT_EQ(back.fingerprint, plan.fingerprint);
  EXPECT_EQ(back.summary, plan.summary);
  EXPECT_EQ(back.memory.arena_bytes, plan.memory.arena_bytes);
  ASSERT_EQ(back.graph.nodes.size(), plan.graph.nodes.size());
  EXPECT_EQ(back.graph.nodes[1].attr_int("algo", 0), 6);
  ASSERT_EQ(back.graph.values.size(), plan.graph.values.size());
  for (size_t v = 0; v < plan.graph.values.size(); ++v) {
    const Value &a = plan.graph.values[v], &c = back.graph.values[v];
    EXPECT_EQ(a.name, c.name);
    EXPECT_EQ(a.shape, c.shape);
    EXPECT_EQ(a.layout, c.layout);
    EXPECT_EQ(a.offset, c.offset);
    ASSERT_EQ(a.is_constant(), c.is_constant());
    if (!a.is_constant()) continue;
    const auto want = constant_bytes(plan, a), got = constant_bytes(back, c);
    EXPECT_TRUE(std::equal(want.begin(), want.end(), got.begin(), got.end())) << a.name;
    EXPECT_EQ(c.in_weight_image, a.offset >= 0) << "device weights stay in the image, without a copy";
  }
  EXPECT_EQ(serialize_plan(back), bytes);
}

TEST(FoundryPlanFormat, RejectsDamagedTruncatedAndStalePlans) {
  const std::string bytes = serialize_plan(sample_plan());
  auto message_of = [](const std::string& b) {
    try {
      deserialize_plan(b);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x5a;
  EXPECT_NE(message_of(flipped).find("damaged plan"), std::string::npos);
  EXPECT_NE(message_of(bytes.substr(0, bytes.size() - 10)).find("damaged plan"), std::string::npos);
  EXPECT_NE(message_of("not a plan").find("damaged plan"), std::string::npos);
  std::string other_version = bytes;
  other_version[8] = 99;
  EXPECT_NE(message_of(other_version).find("stale plan"), std::string::npos);
}

}  // namespace
}  // namespace inferfoundry::foundry
