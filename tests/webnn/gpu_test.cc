// WebNN graphs on the runtime an accelerated context picks on a GPU machine, checked against the same
// graphs on the `onnx` CPU runtime. Skips (with the reasons) where no GPU runtime is available.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <random>

#include <fmt/format.h>

#include "webnn/context.h"
#include "webnn/graph_builder.h"

namespace inferfoundry::webnn {
namespace {

Tensor random_floats(const Shape& shape, unsigned seed) {
  Tensor tensor("", DType::kFloat32, shape);
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> distribution(-1.0f, 1.0f);
  for (float& value : tensor.data<float>()) value = distribution(generator);
  return tensor;
}

// conv2d + bias, relu, max pool, reshape, gemm, softmax: a small CNN head.
MLGraph small_cnn() {
  MLGraphBuilder b;
  auto image = b.input("image", {DType::kFloat32, {2, 3, 16, 16}});
  auto filter = b.constant({DType::kFloat32, {8, 3, 3, 3}}, random_floats({8, 3, 3, 3}, 1));
  auto bias = b.constant({DType::kFloat32, {8}}, random_floats({8}, 2));
  auto conv = b.relu(b.conv2d(image, filter, {{"padding", std::vector<int64_t>{1, 1, 1, 1}}, {"bias", bias}}));
  auto pooled =
      b.max_pool2d(conv, {{"windowDimensions", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}}});
  auto flat = b.reshape(pooled, {2, 8 * 8 * 8});
  auto weights = b.constant({DType::kFloat32, {512, 10}}, random_floats({512, 10}, 3));
  auto logits = b.gemm(flat, weights);
  return b.build({{"logits", logits}, {"probs", b.softmax(logits, 1)}});
}

TEST(WebnnOnGpu, AcceleratedContextMatchesTheCpu) {
  RuntimeRegistry registry = RuntimeRegistry::with_builtin_runtimes();
  MLContext accelerated(registry, {true, "high-performance", "gpu", {}});
  if (accelerated.backend().runtime == "onnx") {
    std::string reasons;
    for (const auto& [name, why] : accelerated.backend().skipped) reasons += fmt::format("\n  {}: {}", name, why);
    GTEST_SKIP() << "no GPU runtime available here:" << reasons;
  }
  MLContext cpu(registry, {false, "default", "", {}});
  const MLGraph graph = small_cnn();
  const std::map<std::string, Tensor> inputs = {{"image", random_floats({2, 3, 16, 16}, 4)}};
  const auto expected = cpu.compute(graph, inputs);
  const auto actual = accelerated.compute(graph, inputs);
  std::cout << "backend: " << accelerated.backend().to_json().dump(1) << "\n";
  for (const auto& [name, reference] : expected) {
    const Tensor& result = actual.at(name);
    ASSERT_EQ(result.shape(), reference.shape()) << name;
    double worst = 0;
    for (int64_t i = 0; i < reference.element_count(); ++i) {
      worst = std::max(worst,
                       std::abs(result.value_at(i) - reference.value_at(i)) / (1e-3 + std::abs(reference.value_at(i))));
    }
    std::cout << name << ": worst relative error " << worst << "\n";
    EXPECT_LT(worst, 1e-2) << name;
  }
}

}  // namespace
}  // namespace inferfoundry::webnn
