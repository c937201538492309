// Synthetic inputs and --shapes resolution.
#include <gtest/gtest.h>

#include "bench/inputs.h"
#include "core/error.h"
#include "model/graph_builder.h"

namespace inferfoundry {
namespace {

// Two inputs: a float image with a symbolic batch, and int64 token ids with symbolic batch and sequence.
Model two_input_model() {
  GraphBuilder g("two", 17);
  g.add_input("image", DType::kFloat32, {symbolic_dim("batch"), fixed_dim(3), fixed_dim(8), fixed_dim(8)});
  g.add_input("ids", DType::kInt64, {symbolic_dim("batch"), symbolic_dim("sequence")});
  g.add_node("Identity", {"image"}, {"out_image"});
  g.add_node("Identity", {"ids"}, {"out_ids"});
  g.add_output("out_image", DType::kFloat32, {});
  g.add_output("out_ids", DType::kInt64, {});
  return Model::from_proto(g.build(), "two");
}

ErrorKind error_kind_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::kInternal;
}

TEST(Inputs, UnknownDimsDefaultToOne) {
  const auto shapes = resolve_input_shapes(two_input_model(), {});
  EXPECT_EQ(shapes.at("image"), (Shape{1, 3, 8, 8}));
  EXPECT_EQ(shapes.at("ids"), (Shape{1, 1}));
}

TEST(Inputs, ShapesByInputNameAndBySymbol) {
  const auto shapes = resolve_input_shapes(two_input_model(), parse_shape_list("ids:2x128,batch:2"));
  EXPECT_EQ(shapes.at("ids"), (Shape{2, 128}));
  EXPECT_EQ(shapes.at("image"), (Shape{2, 3, 8, 8}));
}

TEST(Inputs, BadShapesAreUsageErrors) {
  const Model model = two_input_model();
  EXPECT_EQ(error_kind_of([&] { resolve_input_shapes(model, parse_shape_list("nosuch:1x2")); }), ErrorKind::kUsage);
  EXPECT_EQ(error_kind_of([&] { resolve_input_shapes(model, parse_shape_list("image:1x3x8")); }), ErrorKind::kUsage);
  EXPECT_EQ(error_kind_of([&] { resolve_input_shapes(model, parse_shape_list("image:1x4x8x8")); }), ErrorKind::kUsage);
  EXPECT_EQ(error_kind_of([&] { resolve_input_shapes(model, parse_shape_list("batch:2x2")); }), ErrorKind::kUsage);
  EXPECT_EQ(error_kind_of([] { parse_shape_list("image"); }), ErrorKind::kUsage);
  EXPECT_EQ(error_kind_of([] { parse_shape_list("image:abc"); }), ErrorKind::kUsage);
}

TEST(Inputs, SyntheticValuesAreInRangeNeverAllZeroAndSeeded) {
  InputSpec spec;
  spec.shapes = parse_shape_list("batch:4,sequence:64");
  const auto a = synthesize_inputs(two_input_model(), spec);
  const auto b = synthesize_inputs(two_input_model(), spec);
  ASSERT_EQ(a.size(), 2u);
  int nonzero = 0;
  for (float v : a[0].data<float>()) {
    EXPECT_GE(v, -1.0f);
    EXPECT_LE(v, 1.0f);
    nonzero += v != 0.0f;
  }
  EXPECT_GT(nonzero, static_cast<int>(a[0].element_count()) / 2);
  int64_t distinct_ids = 0;
  for (int64_t id : a[1].data<int64_t>()) {
    EXPECT_GE(id, 0);
    EXPECT_LE(id, 1000);
    distinct_ids += id != a[1].data<int64_t>()[0];
  }
  EXPECT_GT(distinct_ids, 0);
  EXPECT_TRUE(std::equal(a[0].bytes().begin(), a[0].bytes().end(), b[0].bytes().begin()));  // same seed, same values
  spec.seed = 7;
  const auto c = synthesize_inputs(two_input_model(), spec);
  EXPECT_FALSE(std::equal(a[0].bytes().begin(), a[0].bytes().end(), c[0].bytes().begin()));
}

TEST(Inputs, IntRangeIsHonoured) {
  InputSpec spec;
  spec.int_min = 5;
  spec.int_max = 6;
  const auto inputs = synthesize_inputs(two_input_model(), spec);
  for (int64_t id : inputs[1].data<int64_t>()) EXPECT_TRUE(id == 5 || id == 6);
  spec.int_min = 9;
  EXPECT_EQ(error_kind_of([&] { synthesize_inputs(two_input_model(), spec); }), ErrorKind::kUsage);
}

TEST(Inputs, ShapesPastTheInputCeilingAreRefusedBeforeAllocating) {
  InputSpec spec;
  spec.shapes = parse_shape_list("batch:1000000");  // image alone: 1e6 x 3 x 8 x 8 x 4 bytes = 768 MB
  spec.max_input_bytes = 100 << 20;
  try {
    synthesize_inputs(two_input_model(), spec);
    ADD_FAILURE() << "synthesised inputs past the ceiling";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    const std::string message = e.what();
    EXPECT_NE(message.find("'image'"), std::string::npos) << message;
    EXPECT_NE(message.find("732.4 MiB"), std::string::npos) << message;
    EXPECT_NE(message.find("--max-input-bytes"), std::string::npos) << message;
  }
  spec.shapes = parse_shape_list("batch:1501199875790166");  // wraps int64 when multiplied out
  EXPECT_EQ(error_kind_of([&] { synthesize_inputs(two_input_model(), spec); }), ErrorKind::kInput);
  spec.shapes = parse_shape_list("batch:2");
  EXPECT_EQ(synthesize_inputs(two_input_model(), spec).size(), 2u);
}

TEST(Inputs, UnknownRankInputNeedsItsFullShapeNeverAGuess) {
  GraphBuilder g("lstm-like", 17);
  g.add_input("x", DType::kFloat32, {});
  g.add_node("Relu", {"x"}, {"y"});
  g.add_output("y", DType::kFloat32, {});
  onnx::ModelProto proto = g.build();
  proto.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();  // unknown rank
  const Model model = Model::from_proto(proto, "unknown-rank");
  EXPECT_FALSE(model.inputs()[0].rank_known);
  EXPECT_EQ(model.inputs()[0].format_dims(), "unknown rank");
  try {
    resolve_input_shapes(model, {});
    ADD_FAILURE() << "guessed a shape for an input of unknown rank";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--shapes x:"), std::string::npos) << e.what();
  }
  EXPECT_EQ(resolve_input_shapes(model, parse_shape_list("x:2x5x7")).at("x"), (Shape{2, 5, 7}));
}

}  // namespace
}  // namespace inferfoundry
