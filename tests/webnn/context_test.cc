// MLContext: device selection over a registry (fallback chain and reasons, with no GPU here), compute
// and dispatch on the `onnx` runtime, the compiled-graph cache, and benchmarking a converted graph.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "support/cli_runner.h"
#include "webnn/context.h"
#include "webnn/graph_builder.h"

namespace inferfoundry {
std::unique_ptr<Runtime> make_onnx_runtime();  // src/runtimes/onnx
}

namespace inferfoundry::webnn {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;

// Stands in for a GPU runtime: unavailable with a reason, or available but rejecting every model.
class StandInRuntime : public Runtime {
 public:
  StandInRuntime(std::string name, Availability availability, int* prepare_calls)
      : name_(std::move(name)), availability_(std::move(availability)), prepare_calls_(prepare_calls) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "test stand-in"; }
  Availability availability() const override { return availability_; }
  std::string version() const override { return "0"; }
  std::unique_ptr<Session> prepare(const Model& model, const RuntimeOptions&) const override {
    ++*prepare_calls_;
    fail(ErrorKind::kRuntime, "{} has no kernel for this graph ({})", name_, model.display_name());
  }

 private:
  std::string name_;
  Availability availability_;
  int* prepare_calls_;
};

// As on this build machine: GPU runtimes unavailable (or `tensorrt` available but rejecting graphs),
// `foundry` not built in, and the real ONNX Runtime CPU runtime.
struct Machine {
  int tensorrt_prepares = 0;
  RuntimeRegistry registry;
  explicit Machine(bool tensorrt_available = false) {
    registry.add(std::make_unique<StandInRuntime>(
        "tensorrt", tensorrt_available ? Availability{true, ""} : Availability{false, "no NVIDIA GPU visible"},
        &tensorrt_prepares));
    registry.add(std::make_unique<StandInRuntime>("onnx-cuda", Availability{false, "CUDA provider not installed"},
                                                  &tensorrt_prepares));
    registry.add(make_onnx_runtime());
  }
};

Tensor floats(const Shape& shape, std::vector<float> values) {
  Tensor tensor("", DType::kFloat32, shape);
  std::copy(values.begin(), values.end(), tensor.data<float>().begin());
  return tensor;
}

std::vector<float> values(const Tensor& tensor) {
  auto data = tensor.data<float>();
  return {data.begin(), data.end()};
}

// y = relu(x * w + b) and z = (x * w) - x: two outputs sharing an operand, with constants.
MLGraph shared_operand_graph(float weight) {
  MLGraphBuilder b;
  auto x = b.input("x", {DType::kFloat32, {2, 2}});
  auto w = b.constant({DType::kFloat32, {2}}, floats({2}, {weight, -weight}));
  auto bias = b.constant({DType::kFloat32, {}}, floats({}, {0.5f}));
  auto scaled = b.mul(x, w);
  return b.build({{"y", b.relu(b.add(scaled, bias))}, {"z", b.sub(scaled, x)}});
}

TEST(WebnnDeviceSelection, AcceleratedFallsBackToOnnxRecordingEachReason) {
  Machine machine;
  MLContext context(machine.registry, {});
  const MLBackend& backend = context.backend();
  EXPECT_EQ(backend.runtime, "onnx");
  EXPECT_THAT(backend.reason, HasSubstr("first available of tensorrt, foundry, onnx-cuda, onnx"));
  EXPECT_THAT(backend.skipped, ::testing::ElementsAre(Pair("tensorrt", "no NVIDIA GPU visible"),
                                                      Pair("foundry", "not built into this InferFoundry"),
                                                      Pair("onnx-cuda", "CUDA provider not installed")));
}

TEST(WebnnDeviceSelection, LowPowerAndCpuHintsUseOnnxWithoutTryingAccelerators) {
  Machine machine(/*tensorrt_available=*/true);
  for (const MLContextOptions& options :
       {MLContextOptions{true, "low-power", "", {}}, MLContextOptions{false, "default", "", {}},
        MLContextOptions{true, "high-performance", "cpu", {}}}) {
    MLContext context(machine.registry, options);
    EXPECT_EQ(context.backend().runtime, "onnx");
    EXPECT_THAT(context.backend().reason, HasSubstr("on the CPU"));
    EXPECT_TRUE(context.backend().skipped.empty());
  }
}

TEST(WebnnDeviceSelection, RuntimeThatRejectsAGraphHandsItOnAndIsRecorded) {
  Machine machine(/*tensorrt_available=*/true);
  MLContext context(machine.registry, {true, "high-performance", "gpu", {}});
  EXPECT_EQ(context.backend().runtime, "tensorrt");
  auto outputs = context.compute(shared_operand_graph(2.0f), {{"x", floats({2, 2}, {1, 2, 3, 4})}});
  EXPECT_EQ(machine.tensorrt_prepares, 1);
  EXPECT_EQ(values(outputs.at("y")), (std::vector<float>{2.5f, 0.0f, 6.5f, 0.0f}));
  ASSERT_FALSE(context.backend().skipped.empty());
  EXPECT_EQ(context.backend().skipped.back().first, "tensorrt");
  EXPECT_THAT(context.backend().skipped.back().second, HasSubstr("it runs on onnx"));
}

TEST(WebnnDeviceSelection, RejectsUnknownHints) {
  Machine machine;
  EXPECT_THROW(MLContext(machine.registry, {true, "fast", "", {}}), Error);
  EXPECT_THROW(MLContext(machine.registry, {true, "default", "tpu", {}}), Error);
}

TEST(WebnnDeviceSelection, NoUsableRuntimeIsUnavailable) {
  RuntimeRegistry empty;
  try {
    MLContext context(empty, {});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUnavailable);
    EXPECT_THAT(error.what(), HasSubstr("onnx: not built into this InferFoundry"));
  }
}

TEST(WebnnCompute, SeveralOutputsSharedOperandAndConstants) {
  Machine machine;
  MLContext context(machine.registry, {});
  auto outputs = context.compute(shared_operand_graph(2.0f), {{"x", floats({2, 2}, {1, -2, 3, 4})}});
  // scaled = [[2, 4], [6, -8]]
  EXPECT_EQ(values(outputs.at("y")), (std::vector<float>{2.5f, 4.5f, 6.5f, 0.0f}));
  EXPECT_EQ(values(outputs.at("z")), (std::vector<float>{1.0f, 6.0f, 3.0f, -12.0f}));
}

TEST(WebnnCompute, CompiledGraphsAreCachedByGraphAndWeights) {
  Machine machine;
  MLContext context(machine.registry, {});
  const auto input = floats({2, 2}, {1, 2, 3, 4});
  MLGraph first = shared_operand_graph(2.0f);
  MLGraph same = shared_operand_graph(2.0f);
  MLGraph other_weights = shared_operand_graph(3.0f);
  EXPECT_EQ(first.hash(), same.hash());
  EXPECT_NE(first.hash(), other_weights.hash());
  context.compute(first, {{"x", input}});
  context.compute(same, {{"x", input}});
  EXPECT_EQ(context.compiled_graph_count(), 1u);
  auto outputs = context.compute(other_weights, {{"x", input}});
  EXPECT_EQ(context.compiled_graph_count(), 2u);
  EXPECT_EQ(values(outputs.at("z")), (std::vector<float>{2.0f, -8.0f, 6.0f, -16.0f}));
}

TEST(WebnnCompute, RejectsMissingUnknownAndMistypedInputs) {
  Machine machine;
  MLContext context(machine.registry, {});
  MLGraph graph = shared_operand_graph(1.0f);
  EXPECT_THROW(context.compute(graph, {}), Error);
  EXPECT_THROW(context.compute(graph, {{"x", floats({2, 2}, {1, 2, 3, 4})}, {"extra", floats({1}, {1})}}), Error);
  try {
    context.compute(graph, {{"x", floats({4}, {1, 2, 3, 4})}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUsage);
    EXPECT_THAT(error.what(), HasSubstr("'x' is float32 4, but the graph declares float32 2x2"));
  }
}

TEST(WebnnDispatch, WritesInputTensorsAndReadsOutputTensors) {
  Machine machine;
  MLContext context(machine.registry, {});
  MLGraph graph = shared_operand_graph(2.0f);
  MLTensor x = context.create_tensor({DType::kFloat32, {2, 2}});
  MLTensor y = context.create_tensor({DType::kFloat32, {2, 2}});
  MLTensor z = context.create_tensor({DType::kFloat32, {2, 2}});
  context.write_tensor(x, floats({2, 2}, {1, -2, 3, 4}));
  context.dispatch(graph, {{"x", &x}}, {{"y", &y}, {"z", &z}});
  EXPECT_EQ(values(context.read_tensor(y)), (std::vector<float>{2.5f, 4.5f, 6.5f, 0.0f}));
  EXPECT_EQ(values(context.read_tensor(z)), (std::vector<float>{1.0f, 6.0f, 3.0f, -12.0f}));
  MLTensor wrong = context.create_tensor({DType::kFloat32, {4}});
  EXPECT_THROW(context.dispatch(graph, {{"x", &x}}, {{"y", &wrong}, {"z", &z}}), Error);
  MLTensor write_only = context.create_tensor({DType::kFloat32, {2, 2}}, /*readable=*/false);
  EXPECT_THROW(context.read_tensor(write_only), Error);
  EXPECT_THROW(context.write_tensor(x, floats({3}, {1, 2, 3})), Error);
}

TEST(WebnnBenchmark, ConvertedGraphRunsThroughTheCli) {
  testing::TempDir dir;
  shared_operand_graph(2.0f).to_onnx(dir / "webnn.onnx");
  const auto result =
      testing::run_cli({"benchmark", "--model", (dir / "webnn.onnx").string(), "--runtimes", "onnx", "--iterations",
                        "20", "--warmup", "2", "--output", (dir / "results.json").string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "results.json"));
}

}  // namespace
}  // namespace inferfoundry::webnn
