#pragma once
// A small model whose weights live in external data, as exporters write large models, for the tests of the
// fp16 conversion written to a folder (precision_external_data_test, onnx_cuda_fp16_model_test).
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "model/graph_builder.h"
#include "model/model.h"
#include "model/tensor_proto.h"
#include "support/tensors.h"

namespace inferfoundry::testing {

// Moves a tensor's raw bytes to the end of `data` (opened for appending) and makes the tensor refer to them.
inline void move_to_external(onnx::TensorProto& tensor, const std::string& location, std::ofstream& data,
                             int64_t& offset) {
  const std::string bytes = tensor.raw_data();
  data.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  tensor.clear_raw_data();
  tensor.set_data_location(onnx::TensorProto::EXTERNAL);
  auto add = [&](const std::string& key, const std::string& value) {
    auto* entry = tensor.add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  };
  add("location", location);
  add("offset", std::to_string(offset));
  add("length", std::to_string(bytes.size()));
  offset += static_cast<int64_t>(bytes.size());
}

// x (float 1x64) -> MatMul W (64x64, 16 KiB) -> Add B (64 floats, 256 bytes: stays inline) -> y (float 1x64)
// E (float 100x64) -> Gather idx (int64 300, 2.4 KiB) -> rows (float 300x64)
// W, E and idx are stored in SOURCE_DIR/source.onnx.data; W[0] is 1e6, beyond float16's range (clamped).
// `seed` changes the weights' values.
inline std::filesystem::path write_source_model(const std::filesystem::path& dir, uint32_t seed = 1) {
  GraphBuilder builder("external");
  builder.add_input("x", DType::kFloat32, {fixed_dim(1), fixed_dim(64)});
  builder.add_output("y", DType::kFloat32, {fixed_dim(1), fixed_dim(64)});
  builder.add_output("rows", DType::kFloat32, {fixed_dim(300), fixed_dim(64)});
  Tensor weights = random_tensor("W", {64, 64}, seed);
  weights.data<float>()[0] = 1e6f;
  builder.add_initializer(weights);
  builder.add_initializer(random_tensor("B", {64}, seed + 1));
  builder.add_initializer(random_tensor("E", {100, 64}, seed + 2));
  std::vector<int64_t> indices(300);
  for (size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<int64_t>((i * 37) % 100);
  builder.add_initializer(int64_tensor("idx", indices));
  builder.add_node("MatMul", {"x", "W"}, {"xw"});
  builder.add_node("Add", {"xw", "B"}, {"y"});
  builder.add_node("Gather", {"E", "idx"}, {"rows"});
  onnx::ModelProto proto = builder.build();

  std::ofstream data(dir / "source.onnx.data", std::ios::binary | std::ios::trunc);
  int64_t offset = 0;
  for (auto& initializer : *proto.mutable_graph()->mutable_initializer()) {
    if (initializer.name() != "B") move_to_external(initializer, "source.onnx.data", data, offset);
  }
  data.close();
  const std::filesystem::path path = dir / "source.onnx";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  proto.SerializeToOstream(&out);
  return path;
}

}  // namespace inferfoundry::testing
