// Writes the demo model that the README's first command benchmarks: a small image classifier
// (Conv -> Relu -> MaxPool -> Conv -> Relu -> GlobalAveragePool -> Flatten -> Gemm -> Softmax) with a
// symbolic batch dimension and seeded random weights. Small enough to run in well under a millisecond on
// a CPU, with enough operators to exercise a runtime's fusions.
#include <cstdio>
#include <random>
#include <string>

#include <fmt/format.h>

#include "core/error.h"
#include "core/file_io.h"
#include "model/graph_builder.h"

namespace {
using namespace inferfoundry;

Tensor random_tensor(const std::string& name, Shape shape, float scale, std::mt19937& rng) {
  Tensor tensor(name, DType::kFloat32, std::move(shape));
  std::normal_distribution<float> normal(0.0f, scale);
  for (float& v : tensor.data<float>()) v = normal(rng);
  return tensor;
}

onnx::ModelProto demo_model() {
  std::mt19937 rng(7);
  GraphBuilder g("inferfoundry_demo_cnn", 17);
  g.add_input("image", DType::kFloat32, {symbolic_dim("batch"), fixed_dim(3), fixed_dim(32), fixed_dim(32)});
  g.add_initializer(random_tensor("conv1.weight", {16, 3, 3, 3}, 0.2f, rng));
  g.add_initializer(random_tensor("conv1.bias", {16}, 0.1f, rng));
  g.add_initializer(random_tensor("conv2.weight", {32, 16, 3, 3}, 0.1f, rng));
  g.add_initializer(random_tensor("conv2.bias", {32}, 0.1f, rng));
  g.add_initializer(random_tensor("fc.weight", {10, 32}, 0.2f, rng));
  g.add_initializer(random_tensor("fc.bias", {10}, 0.1f, rng));

  auto& conv1 = g.add_node("Conv", {"image", "conv1.weight", "conv1.bias"}, {"conv1"});
  set_attribute(conv1, "pads", std::vector<int64_t>{1, 1, 1, 1});
  g.add_node("Relu", {"conv1"}, {"relu1"});
  auto& pool = g.add_node("MaxPool", {"relu1"}, {"pool1"});
  set_attribute(pool, "kernel_shape", std::vector<int64_t>{2, 2});
  set_attribute(pool, "strides", std::vector<int64_t>{2, 2});
  auto& conv2 = g.add_node("Conv", {"pool1", "conv2.weight", "conv2.bias"}, {"conv2"});
  set_attribute(conv2, "pads", std::vector<int64_t>{1, 1, 1, 1});
  g.add_node("Relu", {"conv2"}, {"relu2"});
  g.add_node("GlobalAveragePool", {"relu2"}, {"gap"});
  g.add_node("Flatten", {"gap"}, {"features"});
  auto& fc = g.add_node("Gemm", {"features", "fc.weight", "fc.bias"}, {"logits"});
  set_attribute(fc, "transB", int64_t{1});
  g.add_node("Softmax", {"logits"}, {"probabilities"});
  g.add_output("probabilities", DType::kFloat32, {symbolic_dim("batch"), fixed_dim(10)});
  return g.build();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_demo_model OUTPUT.onnx\n");
    return 2;
  }
  try {
    std::string bytes;
    demo_model().SerializeToString(&bytes);
    inferfoundry::write_file_atomically(argv[1], bytes);
  } catch (const inferfoundry::Error& e) {
    std::fprintf(stderr, "make_demo_model: %s\n", e.what());
    return 5;
  }
  return 0;
}
