// foundry on a real GPU: small random models against ONNX Runtime on the CPU, and the ONNX backend node
// test cases of every operator foundry supports. Skips without a GPU.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "model/graph_builder.h"
#include "model/tensor_proto.h"
#include "runtimes/registry.h"
#include "support/cli_runner.h"
#include "support/tensors.h"

namespace inferfoundry {
namespace {
using testing::int64_tensor;
using testing::random_tensor;

namespace fs = std::filesystem;

class FoundryGpu : public ::testing::Test {
 protected:
  void SetUp() override {
    foundry_ = registry_.find("foundry");
    onnx_ = registry_.find("onnx");
    ASSERT_NE(onnx_, nullptr);
    if (!foundry_) GTEST_SKIP() << "this build has no foundry runtime (CUDA disabled)";
    const Availability a = foundry_->availability();
    if (!a.available) GTEST_SKIP() << "foundry unavailable: " << a.reason;
  }

  static std::vector<Tensor> run(const Runtime& runtime, const Model& model, const std::vector<Tensor>& inputs,
                                 RuntimeOptions options) {
    auto session = runtime.prepare(model, options);
    session->set_inputs(inputs);
    session->run();
    return session->outputs();
  }

  // Max violation of |a - b| <= atol + rtol * |b| over all outputs (0 when within tolerance).
  static std::string compare(const std::vector<Tensor>& got, const std::vector<Tensor>& want, double atol,
                             double rtol) {
    if (got.size() != want.size()) return fmt::format("{} outputs, expected {}", got.size(), want.size());
    for (size_t k = 0; k < got.size(); ++k) {
      if (got[k].shape() != want[k].shape())
        return fmt::format("output {} shape {} vs {}", k, format_shape(got[k].shape()), format_shape(want[k].shape()));
      for (int64_t i = 0; i < want[k].element_count(); ++i) {
        const double a = got[k].value_at(i), b = want[k].value_at(i);
        if (std::isnan(a) != std::isnan(b) || std::fabs(a - b) > atol + rtol * std::fabs(b)) {
          return fmt::format("output {} element {}: {} vs expected {}", k, i, a, b);
        }
      }
    }
    return "";
  }

  void expect_matches_onnx(const Model& model, Precision precision, double tol,
                           std::map<std::string, std::string> extra = {}) {
    std::vector<Tensor> inputs;
    uint32_t seed = 100;
    for (const TensorSpec& spec : model.inputs()) {
      Shape shape;
      for (const Dim& d : spec.dims) shape.push_back(d.value);
      inputs.push_back(random_tensor(spec.name, shape, seed++));
    }
    const auto want = run(*onnx_, model, inputs, {});
    RuntimeOptions options;
    options.precision = precision;
    options.extra = std::move(extra);
    const auto got = run(*foundry_, model, inputs, options);
    EXPECT_EQ(compare(got, want, tol, tol), "") << model.display_name() << " " << precision_name(precision);
  }

  RuntimeRegistry registry_ = RuntimeRegistry::with_builtin_runtimes();
  const Runtime* foundry_ = nullptr;
  const Runtime* onnx_ = nullptr;
};

Model resnet_block() {
  GraphBuilder b("resnet_block");
  b.add_input("x", DType::kFloat32, {fixed_dim(2), fixed_dim(16), fixed_dim(12), fixed_dim(12)});
  b.add_output("probs", DType::kFloat32, {fixed_dim(2), fixed_dim(10)});
  b.add_initializer(random_tensor("w1", {16, 16, 3, 3}, 1, 0.1f));
  b.add_initializer(random_tensor("b1", {16}, 2, 0.1f));
  b.add_initializer(random_tensor("w2", {32, 16, 1, 1}, 3, 0.2f));
  b.add_initializer(random_tensor("gamma", {32}, 4));
  b.add_initializer(random_tensor("beta", {32}, 5));
  b.add_initializer(random_tensor("mean", {32}, 6, 0.1f));
  Tensor var = random_tensor("var", {32}, 7);
  for (float& v : var.data<float>()) v = v * v + 0.5f;
  b.add_initializer(var);
  b.add_initializer(random_tensor("wd", {32, 16, 1, 1}, 8, 0.2f));
  b.add_initializer(random_tensor("fc", {10, 32}, 9, 0.3f));
  b.add_initializer(random_tensor("fcb", {10}, 10));
  auto& c1 = b.add_node("Conv", {"x", "w1", "b1"}, {"c1"});
  set_attribute(c1, "pads", std::vector<int64_t>{1, 1, 1, 1});
  b.add_node("Relu", {"c1"}, {"r1"});
  auto& pool = b.add_node("MaxPool", {"r1"}, {"p1"});
  set_attribute(pool, "kernel_shape", std::vector<int64_t>{3, 3});
  set_attribute(pool, "strides", std::vector<int64_t>{2, 2});
  set_attribute(pool, "pads", std::vector<int64_t>{1, 1, 1, 1});
  b.add_node("Conv", {"p1", "w2"}, {"c2"});
  b.add_node("BatchNormalization", {"c2", "gamma", "beta", "mean", "var"}, {"bn"});
  b.add_node("Conv", {"p1", "wd"}, {"down"});
  b.add_node("Add", {"bn", "down"}, {"sum"});
  b.add_node("Relu", {"sum"}, {"r2"});
  b.add_node("GlobalAveragePool", {"r2"}, {"gap"});
  b.add_node("Flatten", {"gap"}, {"flat"});
  auto& gemm = b.add_node("Gemm", {"flat", "fc", "fcb"}, {"logits"});
  set_attribute(gemm, "transB", int64_t{1});
  b.add_node("Softmax", {"logits"}, {"probs"});
  return Model::from_proto(b.build(), "resnet_block");
}

Model mobilenet_block() {
  GraphBuilder b("mobilenet_block");
  b.add_input("x", DType::kFloat32, {fixed_dim(1), fixed_dim(8), fixed_dim(10), fixed_dim(10)});
  b.add_output("y", DType::kFloat32, {fixed_dim(1), fixed_dim(8), fixed_dim(5), fixed_dim(5)});
  b.add_initializer(random_tensor("expand", {24, 8, 1, 1}, 1, 0.3f));
  b.add_initializer(random_tensor("dw", {24, 1, 3, 3}, 2, 0.3f));
  b.add_initializer(random_tensor("project", {8, 24, 1, 1}, 3, 0.3f));
  Tensor lo("lo", DType::kFloat32, {}), hi("hi", DType::kFloat32, {});
  lo.data<float>()[0] = 0.0f;
  hi.data<float>()[0] = 6.0f;
  b.add_initializer(lo);
  b.add_initializer(hi);
  b.add_node("Conv", {"x", "expand"}, {"e"});
  b.add_node("Clip", {"e", "lo", "hi"}, {"e6"});
  auto& dw = b.add_node("Conv", {"e6", "dw"}, {"d"});
  set_attribute(dw, "group", int64_t{24});
  set_attribute(dw, "pads", std::vector<int64_t>{1, 1, 1, 1});
  set_attribute(dw, "strides", std::vector<int64_t>{2, 2});
  b.add_node("Clip", {"d", "lo", "hi"}, {"d6"});
  b.add_node("Conv", {"d6", "project"}, {"p"});
  auto& avg = b.add_node("AveragePool", {"x"}, {"xa"});
  set_attribute(avg, "kernel_shape", std::vector<int64_t>{3, 3});
  set_attribute(avg, "strides", std::vector<int64_t>{2, 2});
  set_attribute(avg, "pads", std::vector<int64_t>{1, 1, 1, 1});
  set_attribute(avg, "count_include_pad", int64_t{1});
  b.add_node("Add", {"p", "xa"}, {"y"});
  return Model::from_proto(b.build(), "mobilenet_block");
}

Model data_movement() {
  GraphBuilder b("data_movement");
  b.add_input("x", DType::kFloat32, {fixed_dim(2), fixed_dim(3), fixed_dim(4), fixed_dim(5)});
  b.add_output("y", DType::kFloat32, {});
  b.add_output("z", DType::kFloat32, {});
  b.add_initializer(int64_tensor("starts", {1, 0}));
  b.add_initializer(int64_tensor("ends", {3, 5}));
  b.add_initializer(int64_tensor("axes", {2, 3}));
  b.add_initializer(int64_tensor("steps", {1, 2}));
  b.add_initializer(int64_tensor("pads", {0, 0, 1, 2, 0, 0, 0, 1}));
  b.add_initializer(int64_tensor("idx", {2, 0}));
  auto& t = b.add_node("Transpose", {"x"}, {"t"});
  set_attribute(t, "perm", std::vector<int64_t>{0, 2, 3, 1});
  b.add_node("Slice", {"x", "starts", "ends", "axes", "steps"}, {"s"});
  b.add_node("Pad", {"s", "pads"}, {"p"});
  auto& g = b.add_node("Gather", {"x", "idx"}, {"g"});
  set_attribute(g, "axis", int64_t{1});
  auto& c = b.add_node("Concat", {"x", "g"}, {"c"});
  set_attribute(c, "axis", int64_t{1});
  auto& sm = b.add_node("Softmax", {"c"}, {"y"});
  set_attribute(sm, "axis", int64_t{1});
  auto& r = b.add_node("ReduceMean", {"t"}, {"m"});
  set_attribute(r, "axes", std::vector<int64_t>{1, 2});
  set_attribute(r, "keepdims", int64_t{0});
  b.add_node("Sigmoid", {"p"}, {"ps"});
  b.add_node("Flatten", {"ps"}, {"pf"});
  b.add_node("Flatten", {"m"}, {"mf"});
  auto& z = b.add_node("Concat", {"pf", "mf"}, {"z"});
  set_attribute(z, "axis", int64_t{1});
  return Model::from_proto(b.build(), "data_movement");
}

// A plan read back (mapped from the cache, or from a --save-plan file) runs what was built: same outputs.
TEST_F(FoundryGpu, PlansFromTheCacheAndFromAFileRunLikeTheBuiltEngine) {
  testing::TempDir dir;
  const Model model = resnet_block();
  const std::vector<Tensor> inputs = {random_tensor("x", {2, 16, 12, 12}, 7)};
  const auto outputs_and_source = [&](std::map<std::string, std::string> extra) {
    RuntimeOptions options;
    options.precision = Precision::kFp16;
    options.cache_dir = (dir / "cache").string();
    options.extra = std::move(extra);
    auto session = foundry_->prepare(model, options);
    session->set_inputs(inputs);
    session->run();
    return std::make_pair(session->outputs(), session->details().at("plan_source").get<std::string>());
  };
  const auto [built, built_from] = outputs_and_source({{"save-plan", (dir / "block.plan").string()}});
  EXPECT_EQ(built_from, "built (cache miss)");
  const auto [cached, cached_from] = outputs_and_source({});
  EXPECT_EQ(cached_from, "cache");
  EXPECT_EQ(compare(cached, built, 1e-6, 1e-6), "");
  const auto [loaded, loaded_from] = outputs_and_source({{"load-plan", (dir / "block.plan").string()}});
  EXPECT_EQ(loaded_from, "plan file " + (dir / "block.plan").string());
  EXPECT_EQ(compare(loaded, built, 1e-6, 1e-6), "");
}

// Trading up to 100% per layer for fewer library kernels (kernel-reuse=1) never needs more kernels than
// keeping every layer's fastest (kernel-reuse=0), the outputs stay right, and the setting is part of the
// plan's cache key.
TEST_F(FoundryGpu, SharingKernelsNeverAddsKernelsAndKeepsOutputs) {
  testing::TempDir dir;
  const Model model = resnet_block();
  const auto build = [&](const std::string& reuse) {
    RuntimeOptions options;
    options.precision = Precision::kFp16;
    options.cache_dir = (dir / "cache").string();
    options.extra = {{"kernel-reuse", reuse}};
    auto session = foundry_->prepare(model, options);
    EXPECT_EQ(session->details().at("plan_source").get<std::string>(), "built (cache miss)")
        << "kernel-reuse=" << reuse;
    return session->details().at("kernel_summary");
  };
  const nlohmann::json fastest = build("0"), shared = build("1");
  EXPECT_EQ(fastest.at("layers_reusing_a_slower_kernel").get<int>(), 0);
  EXPECT_GE(fastest.at("library_kernels").get<int>(), 1);
  EXPECT_LE(shared.at("library_kernels").get<int>(), fastest.at("library_kernels").get<int>());
  expect_matches_onnx(resnet_block(), Precision::kFp16, 2e-2, {{"kernel-reuse", "1"}});
}

TEST_F(FoundryGpu, Fp16VariantReportsFp16AndIsCheckedAtFp16Tolerances) {
  const Runtime* fp16 = registry_.find("foundry-fp16");
  ASSERT_NE(fp16, nullptr);
  const Model model = resnet_block();
  EXPECT_EQ(fp16->prepare(model, RuntimeOptions{})->precision(), Precision::kFp16);
  EXPECT_EQ(foundry_->prepare(model, RuntimeOptions{})->precision(), Precision::kFp32);
}

TEST_F(FoundryGpu, ResnetBlockMatchesOnnxFp32) { expect_matches_onnx(resnet_block(), Precision::kFp32, 1e-4); }
TEST_F(FoundryGpu, ResnetBlockMatchesOnnxFp32Nchw) {
  expect_matches_onnx(resnet_block(), Precision::kFp32, 1e-4, {{"layout", "nchw"}});
}
TEST_F(FoundryGpu, ResnetBlockMatchesOnnxFp16) { expect_matches_onnx(resnet_block(), Precision::kFp16, 2e-2); }
TEST_F(FoundryGpu, MobilenetBlockMatchesOnnxFp32) { expect_matches_onnx(mobilenet_block(), Precision::kFp32, 1e-4); }
TEST_F(FoundryGpu, MobilenetBlockMatchesOnnxFp16) { expect_matches_onnx(mobilenet_block(), Precision::kFp16, 3e-2); }
TEST_F(FoundryGpu, MobilenetBlockOwnDepthwiseMatchesOnnx) {
  expect_matches_onnx(mobilenet_block(), Precision::kFp32, 1e-4, {{"depthwise", "foundry"}});
  expect_matches_onnx(mobilenet_block(), Precision::kFp16, 3e-2, {{"depthwise", "foundry"}});
}
TEST_F(FoundryGpu, DataMovementMatchesOnnxFp32) { expect_matches_onnx(data_movement(), Precision::kFp32, 1e-5); }
TEST_F(FoundryGpu, DataMovementMatchesOnnxFp16) { expect_matches_onnx(data_movement(), Precision::kFp16, 1e-2); }

// Every ONNX backend node test whose operators foundry supports must pass (fp32, the case's own inputs).
TEST_F(FoundryGpu, OnnxBackendNodeTests) {
  const char* env = std::getenv("FOUNDRY_ONNX_NODE_TESTS");
  const fs::path root = env ? fs::path(env) : fs::path(ONNX_TESTDATA_DIR) / "node";
  if (!fs::is_directory(root)) GTEST_SKIP() << "no ONNX node tests at " << root;
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(root))
    if (fs::exists(entry.path() / "model.onnx")) cases.push_back(entry.path());
  std::sort(cases.begin(), cases.end());
  nlohmann::json report = {{"passed", nlohmann::json::array()},
                           {"failed", nlohmann::json::object()},
                           {"unsupported", nlohmann::json::object()}};
  for (const fs::path& dir : cases) {
    const std::string name = dir.filename().string();
    try {
      const Model model = Model::load(dir / "model.onnx");
      const auto inputs = read_tensor_folder(dir / "test_data_set_0", "input");
      const auto want = read_tensor_folder(dir / "test_data_set_0", "output");
      std::vector<Tensor> named;
      for (size_t k = 0; k < inputs.size() && k < model.inputs().size(); ++k) {
        named.push_back(inputs[k]);
        named.back().set_name(model.inputs()[k].name);
      }
      RuntimeOptions options;
      for (size_t k = 0; k < named.size(); ++k) options.shapes[named[k].name()] = named[k].shape();
      std::unique_ptr<Session> session;
      try {
        session = foundry_->prepare(model, options);
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::kRuntime && std::string(e.what()).find("cannot build") != std::string::npos) {
          report["unsupported"][name] = e.what();
          continue;
        }
        throw;
      }
      session->set_inputs(named);
      session->run();
      const std::string diff = compare(session->outputs(), want, 1e-5, 1e-3);
      if (diff.empty())
        report["passed"].push_back(name);
      else
        report["failed"][name] = diff;
    } catch (const std::exception& e) {
      report["failed"][name] = std::string("error: ") + e.what();
    }
  }
  const size_t passed = report["passed"].size(), failed = report["failed"].size(),
               unsupported = report["unsupported"].size();
  fmt::print("ONNX node tests under {}: {} cases, {} passed, {} failed, {} unsupported\n", root.string(), cases.size(),
             passed, failed, unsupported);
  for (const auto& [name, why] : report["failed"].items())
    fmt::print("  FAILED {}: {}\n", name, why.get<std::string>());
  if (const char* out = std::getenv("FOUNDRY_NODE_TEST_REPORT")) std::ofstream(out) << report.dump(2);
  EXPECT_GT(passed, 0u);
  EXPECT_EQ(failed, 0u);
}

}  // namespace
}  // namespace inferfoundry
