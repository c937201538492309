// fp16 conversion written to a folder with external data (write_fp16_model): the path models over protobuf's
// 2 GiB limit take, forced here on a tiny model by its size threshold.
#include <cmath>
#include <cstring>
#include <map>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/float16.h"
#include "model/precision.h"
#include "precision_test_models.h"
#include "runtimes/runtime.h"
#include "support/cli_runner.h"

namespace inferfoundry {
std::unique_ptr<Runtime> make_onnx_runtime();  // src/runtimes/onnx
namespace {

using testing::TempDir;

std::map<std::string, const onnx::TensorProto*> initializers_by_name(const onnx::GraphProto& graph) {
  std::map<std::string, const onnx::TensorProto*> named;
  for (const auto& initializer : graph.initializer()) named[initializer.name()] = &initializer;
  return named;
}

std::map<std::string, std::string> external_fields(const onnx::TensorProto& tensor) {
  std::map<std::string, std::string> fields;
  for (const auto& entry : tensor.external_data()) fields[entry.key()] = entry.value();
  return fields;
}

class Fp16ExternalData : public ::testing::Test {
 protected:
  void SetUp() override {
    source_path_ = testing::write_source_model(source_dir_.path());
    out_path_ = write_fp16_model(Model::load(source_path_), out_dir_.path(), "model.onnx", options_, &report_);
  }

  TempDir source_dir_, out_dir_;
  std::filesystem::path source_path_, out_path_;
  ExternalDataOptions options_{/*size_threshold=*/1024, /*alignment=*/4096};
  Fp16Report report_;
};

TEST_F(Fp16ExternalData, LargeInitializersAreFloat16InAlignedExternalDataInsideTheFolder) {
  EXPECT_EQ(out_path_, out_dir_ / "model.onnx");
  const Model converted = Model::load(out_path_);  // checks that every location stays inside the folder
  EXPECT_TRUE(converted.has_external_data());
  const auto named = initializers_by_name(converted.proto().graph());
  ASSERT_EQ(named.size(), 4u);

  const std::map<std::string, int64_t> expected_lengths = {{"W", 64 * 64 * 2}, {"E", 100 * 64 * 2}, {"idx", 300 * 8}};
  for (const auto& [name, length] : expected_lengths) {
    const onnx::TensorProto& tensor = *named.at(name);
    EXPECT_EQ(tensor.data_location(), onnx::TensorProto::EXTERNAL) << name;
    EXPECT_FALSE(tensor.has_raw_data()) << name;
    const auto fields = external_fields(tensor);
    EXPECT_EQ(fields.at("location"), "model.onnx.data") << name;  // a plain name beside the model
    EXPECT_EQ(std::stoll(fields.at("offset")) % 4096, 0) << name;
    EXPECT_EQ(std::stoll(fields.at("length")), length) << name;
  }
  EXPECT_EQ(named.at("W")->data_type(), onnx::TensorProto::FLOAT16);
  EXPECT_EQ(named.at("E")->data_type(), onnx::TensorProto::FLOAT16);
  EXPECT_EQ(named.at("idx")->data_type(), onnx::TensorProto::INT64);
  // B (64 halves, 128 bytes) is below the threshold: inline.
  EXPECT_EQ(named.at("B")->data_location(), onnx::TensorProto::DEFAULT);
  EXPECT_EQ(named.at("B")->data_type(), onnx::TensorProto::FLOAT16);
  EXPECT_EQ(named.at("B")->raw_data().size(), 64u * 2);

  EXPECT_EQ(report_.initializers, 3);
  EXPECT_EQ(report_.clamped_values, 1);
  EXPECT_EQ(report_.io_casts, 3);  // x in; y and rows out
  // The graph file holds no weights worth mentioning.
  EXPECT_LT(std::filesystem::file_size(out_path_), 2048u);
}

TEST_F(Fp16ExternalData, ValuesAreTheFloat16OfTheSourceValues) {
  const Model source = Model::load(source_path_);
  const Model converted = Model::load(out_path_);
  const std::filesystem::path source_dir = source_dir_.path(), out_dir = out_dir_.path();
  const auto source_named = initializers_by_name(source.proto().graph());
  const auto converted_named = initializers_by_name(converted.proto().graph());
  for (const std::string name : {"W", "B", "E"}) {
    const Tensor original = tensor_from_proto(*source_named.at(name), &source_dir);
    const Tensor half = tensor_from_proto(*converted_named.at(name), &out_dir);
    ASSERT_EQ(half.dtype(), DType::kFloat16) << name;
    ASSERT_EQ(half.shape(), original.shape()) << name;
    const auto floats = original.data<float>();
    const auto halves = half.data<uint16_t>();
    for (size_t i = 0; i < floats.size(); ++i) {
      const float expected = std::fabs(floats[i]) > 65504.0f ? std::copysign(65504.0f, floats[i]) : floats[i];
      ASSERT_EQ(halves[i], float_to_half(expected)) << name << "[" << i << "]";
    }
  }
  const Tensor indices = tensor_from_proto(*converted_named.at("idx"), &out_dir);
  const Tensor source_indices = tensor_from_proto(*source_named.at("idx"), &source_dir);
  ASSERT_EQ(indices.byte_size(), source_indices.byte_size());
  EXPECT_EQ(std::memcmp(indices.bytes().data(), source_indices.bytes().data(), indices.byte_size()), 0);
}

TEST_F(Fp16ExternalData, SameGraphAsTheInMemoryConversion) {
  const onnx::ModelProto in_memory = convert_to_fp16(Model::load(source_path_));
  const Model converted = Model::load(out_path_);
  const auto& a = in_memory.graph();
  const auto& b = converted.proto().graph();
  ASSERT_EQ(a.node_size(), b.node_size());
  for (int i = 0; i < a.node_size(); ++i) EXPECT_EQ(a.node(i).SerializeAsString(), b.node(i).SerializeAsString()) << i;
  // In memory, every weight is inline (the source's external data read in).
  for (const auto& initializer : a.initializer()) EXPECT_NE(initializer.data_location(), onnx::TensorProto::EXTERNAL);
}

TEST_F(Fp16ExternalData, OnnxRuntimeGivesTheSameOutputsAsForTheInMemoryConversion) {
  const auto runtime = make_onnx_runtime();
  const Model from_file = Model::load(out_path_);
  const Model in_memory = Model::from_proto(convert_to_fp16(Model::load(source_path_)), "in memory");
  const std::vector<Tensor> inputs = {testing::random_tensor("x", {1, 64}, 7)};
  std::vector<std::vector<Tensor>> outputs;
  for (const Model* model : {&from_file, &in_memory}) {
    auto session = runtime->prepare(*model, RuntimeOptions{});
    session->set_inputs(inputs);
    session->run();
    outputs.push_back(session->outputs());
  }
  ASSERT_EQ(outputs[0].size(), 2u);
  ASSERT_EQ(outputs[1].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_EQ(outputs[0][i].dtype(), DType::kFloat32);
    ASSERT_EQ(outputs[0][i].byte_size(), outputs[1][i].byte_size());
    EXPECT_EQ(std::memcmp(outputs[0][i].bytes().data(), outputs[1][i].bytes().data(), outputs[0][i].byte_size()), 0)
        << "output " << i;
  }
  // And the gathered rows are the float16 values of E's rows.
  const std::filesystem::path source_dir = source_dir_.path();
  const Tensor e =
      tensor_from_proto(*initializers_by_name(Model::load(source_path_).proto().graph()).at("E"), &source_dir);
  const auto rows = outputs[0][1].data<float>();
  EXPECT_EQ(rows[64 + 5], half_to_float(float_to_half(e.data<float>()[37 * 64 + 5])));  // rows[1] = E[37]
}

TEST_F(Fp16ExternalData, ThresholdAndAlignmentAreParameters) {
  TempDir out;
  ExternalDataOptions options;
  options.size_threshold = 1 << 20;  // nothing this large: everything inline
  write_fp16_model(Model::load(source_path_), out.path(), "all-inline.onnx", options);
  const Model inline_model = Model::load(out / "all-inline.onnx");
  EXPECT_FALSE(inline_model.has_external_data());

  options.size_threshold = 0;
  options.alignment = 64;
  write_fp16_model(Model::load(source_path_), out.path(), "all-external.onnx", options);
  const Model external = Model::load(out / "all-external.onnx");
  for (const auto& initializer : external.proto().graph().initializer()) {
    EXPECT_EQ(initializer.data_location(), onnx::TensorProto::EXTERNAL) << initializer.name();
    EXPECT_EQ(std::stoll(external_fields(initializer).at("offset")) % 64, 0) << initializer.name();
  }
}

TEST_F(Fp16ExternalData, FileNameMustBePlain) {
  EXPECT_THROW(write_fp16_model(Model::load(source_path_), out_dir_.path(), "../escape.onnx"), Error);
  EXPECT_THROW(write_fp16_model(Model::load(source_path_), out_dir_.path(), ""), Error);
}

TEST(Fp16Estimate, CountsExternalWeightsAtTwoBytesPerFloat) {
  TempDir dir;
  const Model source = Model::load(testing::write_source_model(dir.path()));
  const int64_t floats = 64 * 64 + 100 * 64;  // W and E, external
  const int64_t estimate = estimate_fp16_bytes(source);
  // The graph, B (inline, 256 -> 128 bytes), W and E at two bytes per value, idx as it is.
  EXPECT_GE(estimate, floats * 2 + 300 * 8);
  EXPECT_LT(estimate, floats * 2 + 300 * 8 + 4096);
}

}  // namespace
}  // namespace inferfoundry
