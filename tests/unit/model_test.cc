// Model loading: valid files, untrusted and broken files, external data confinement, TensorProto I/O.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"
#include "model/graph_builder.h"
#include "model/model.h"
#include "model/model_summary.h"
#include "model/tensor_proto.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

// y = x + w with w stored as an initializer (optionally in an external file at `location`).
onnx::ModelProto add_model(const std::string& external_location = "") {
  GraphBuilder g("add", 17);
  g.add_input("x", DType::kFloat32, {symbolic_dim("n"), fixed_dim(4)});
  Tensor w("w", DType::kFloat32, {4});
  for (int i = 0; i < 4; ++i) w.data<float>()[i] = static_cast<float>(i) + 0.5f;
  g.add_initializer(w);
  g.add_node("Add", {"x", "w"}, {"y"});
  g.add_output("y", DType::kFloat32, {symbolic_dim("n"), fixed_dim(4)});
  onnx::ModelProto model = g.build();
  if (!external_location.empty()) {
    auto* init = model.mutable_graph()->mutable_initializer(0);
    init->clear_raw_data();
    init->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* location = init->add_external_data();
    location->set_key("location");
    location->set_value(external_location);
    auto* length = init->add_external_data();
    length->set_key("length");
    length->set_value("16");
  }
  return model;
}

void save(const onnx::ModelProto& model, const fs::path& path) {
  std::string bytes;
  ASSERT_TRUE(model.SerializeToString(&bytes));
  write_file_atomically(path, bytes);
}

ErrorKind load_error_kind(const fs::path& path, std::string* message = nullptr) {
  try {
    Model::load(path);
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "loading " << path << " did not fail";
  return ErrorKind::kInternal;
}

TEST(ModelLoad, ReadsSignatureWithSymbolicDims) {
  TempDir dir;
  save(add_model(), dir / "add.onnx");
  const Model model = Model::load(dir / "add.onnx");
  ASSERT_EQ(model.inputs().size(), 1u);  // the initializer is not an input
  EXPECT_EQ(model.inputs()[0].name, "x");
  EXPECT_EQ(model.inputs()[0].dims[0].symbol, "n");
  EXPECT_EQ(model.inputs()[0].format_dims(), "n x 4");
  EXPECT_EQ(model.outputs()[0].dtype, DType::kFloat32);
  EXPECT_EQ(model.display_name(), "add.onnx");
  EXPECT_FALSE(model.has_external_data());
}

TEST(ModelLoad, RejectsMissingDirectoryGarbageAndTruncated) {
  TempDir dir;
  std::string message;
  EXPECT_EQ(load_error_kind(dir / "missing.onnx", &message), ErrorKind::kInput);
  EXPECT_NE(message.find("not found"), std::string::npos);
  EXPECT_EQ(load_error_kind(dir.path(), &message), ErrorKind::kInput);
  EXPECT_NE(message.find("directory"), std::string::npos);

  testing::write_text(dir / "text.onnx", "this is not a model at all\n");
  EXPECT_EQ(load_error_kind(dir / "text.onnx"), ErrorKind::kInput);
  testing::write_text(dir / "empty.onnx", "");
  EXPECT_EQ(load_error_kind(dir / "empty.onnx"), ErrorKind::kInput);

  std::string bytes;
  add_model().SerializeToString(&bytes);
  for (size_t cut : {bytes.size() / 2, bytes.size() - 3, size_t{5}}) {
    testing::write_text(dir / "truncated.onnx", bytes.substr(0, cut));
    EXPECT_EQ(load_error_kind(dir / "truncated.onnx"), ErrorKind::kInput) << "cut at " << cut;
  }
}

TEST(ModelLoad, ExternalDataInsideTheFolderLoads) {
  TempDir dir;
  std::string weights(16, '\0');
  const float values[4] = {1, 2, 3, 4};
  std::memcpy(weights.data(), values, 16);
  fs::create_directories(dir / "weights");
  testing::write_text(dir / "weights" / "w.bin", weights);
  save(add_model("weights/w.bin"), dir / "m.onnx");
  const Model model = Model::load(dir / "m.onnx");
  EXPECT_TRUE(model.has_external_data());
  const fs::path folder = dir.path();
  const Tensor w = tensor_from_proto(model.proto().graph().initializer(0), &folder);
  EXPECT_EQ(w.data<float>()[3], 4.0f);
}

TEST(ModelLoad, ExternalDataLeavingTheFolderIsRefused) {
  TempDir outside;
  testing::write_text(outside / "secret.bin", std::string(16, 'x'));
  TempDir dir;
  fs::create_symlink(outside / "secret.bin", dir / "link.bin");
  const std::string escapes[] = {"../" + (outside / "secret.bin").lexically_relative(dir.path().parent_path()).string(),
                                 (outside / "secret.bin").string(), "link.bin", "a/../../x.bin"};
  for (const auto& location : escapes) {
    save(add_model(location), dir / "evil.onnx");
    std::string message;
    EXPECT_EQ(load_error_kind(dir / "evil.onnx", &message), ErrorKind::kInput) << location;
    EXPECT_TRUE(message.find("model's folder") != std::string::npos || message.find("absolute") != std::string::npos)
        << message;
  }
}

TEST(ModelLoad, ExternalDataShorterThanDeclaredIsRefused) {
  TempDir dir;
  testing::write_text(dir / "w.bin", std::string(8, 'x'));
  save(add_model("w.bin"), dir / "m.onnx");
  EXPECT_EQ(load_error_kind(dir / "m.onnx"), ErrorKind::kInput);
}

// add_model() with one more external_data entry on its weight (key "offset" or "length").
onnx::ModelProto with_external_entry(const std::string& location, const std::string& key, const std::string& value) {
  onnx::ModelProto model = add_model(location);
  auto* entry = model.mutable_graph()->mutable_initializer(0)->add_external_data();
  entry->set_key(key);
  entry->set_value(value);
  return model;
}

TEST(ModelLoad, ExternalDataOffsetsThatAreNotNumbersAreInputErrors) {
  TempDir dir;
  testing::write_text(dir / "w.bin", std::string(16, 'x'));
  for (const std::string offset : {"abc", "99999999999999999999", "-4", "12abc", ""}) {
    save(with_external_entry("w.bin", "offset", offset), dir / "m.onnx");
    std::string message;
    EXPECT_EQ(load_error_kind(dir / "m.onnx", &message), ErrorKind::kInput) << offset;
    EXPECT_NE(message.find("offset '" + offset + "'"), std::string::npos) << message;
  }
}

TEST(ModelLoad, ExternalDataExtentThatWrapsIsRefused) {
  TempDir dir;
  testing::write_text(dir / "w.bin", std::string(16, 'x'));
  // offset + length overflows int64 and would pass a naive "offset + length <= size" test.
  save(with_external_entry("w.bin", "offset", "9223372036854775800"), dir / "m.onnx");
  EXPECT_EQ(load_error_kind(dir / "m.onnx"), ErrorKind::kInput);
  onnx::ModelProto huge = add_model("w.bin");
  huge.mutable_graph()->mutable_initializer(0)->clear_external_data();
  auto* location = huge.mutable_graph()->mutable_initializer(0)->add_external_data();
  location->set_key("location");
  location->set_value("w.bin");
  huge.mutable_graph()->mutable_initializer(0)->set_dims(0, int64_t{1} << 62);  // no length: the shape's size
  save(huge, dir / "huge.onnx");
  EXPECT_EQ(load_error_kind(dir / "huge.onnx"), ErrorKind::kInput);
}

// A float tensor of 4 values whose bytes are said to be in `location`.
onnx::TensorProto external_tensor(const std::string& name, const std::string& location) {
  onnx::TensorProto tensor;
  tensor.set_name(name);
  tensor.set_data_type(onnx::TensorProto::FLOAT);
  tensor.add_dims(4);
  tensor.set_data_location(onnx::TensorProto::EXTERNAL);
  auto* entry = tensor.add_external_data();
  entry->set_key("location");
  entry->set_value(location);
  return tensor;
}

TEST(ModelLoad, ExternalDataOfSparseTensorsConstantsAndFunctionsMustStayInTheFolder) {
  TempDir outside;
  testing::write_text(outside / "secret.bin", std::string(64, 'x'));
  TempDir dir;
  const std::string escape = (outside / "secret.bin").string();
  const std::string relative = "../" + (outside / "secret.bin").lexically_relative(dir.path().parent_path()).string();

  onnx::ModelProto sparse_initializer = add_model();
  auto* sparse = sparse_initializer.mutable_graph()->add_sparse_initializer();
  *sparse->mutable_values() = external_tensor("s_values", relative);
  sparse->add_dims(8);

  onnx::ModelProto sparse_constant = add_model();
  auto* node = sparse_constant.mutable_graph()->add_node();
  node->set_op_type("Constant");
  node->add_output("c");
  auto* value = node->add_attribute();
  value->set_name("sparse_value");
  value->set_type(onnx::AttributeProto::SPARSE_TENSOR);
  *value->mutable_sparse_tensor()->mutable_values() = external_tensor("c_values", escape);

  onnx::ModelProto function = add_model();
  auto* local = function.add_functions();
  local->set_name("f");
  local->set_domain("local");
  auto* inner = local->add_node();
  inner->set_op_type("Constant");
  inner->add_output("k");
  auto* tensor_value = inner->add_attribute();
  tensor_value->set_name("value");
  tensor_value->set_type(onnx::AttributeProto::TENSOR);
  *tensor_value->mutable_t() = external_tensor("k", relative);

  for (const auto& [what, model] :
       std::vector<std::pair<std::string, onnx::ModelProto>>{{"sparse initializer", sparse_initializer},
                                                             {"Constant sparse_value", sparse_constant},
                                                             {"local function", function}}) {
    save(model, dir / "evil.onnx");
    std::string message;
    EXPECT_EQ(load_error_kind(dir / "evil.onnx", &message), ErrorKind::kInput) << what;
    EXPECT_TRUE(message.find("model's folder") != std::string::npos || message.find("absolute") != std::string::npos)
        << what << ": " << message;
    EXPECT_THROW(Model::from_proto(model, "in-memory"), Error) << what;
  }
}

TEST(ModelSummary, CountsOpsAndParameters) {
  const Model model = Model::from_proto(add_model(), "add");
  const ModelSummary summary = summarize(model);
  EXPECT_EQ(summary.op_histogram.at("Add"), 1);
  EXPECT_EQ(summary.parameter_count, 4);
  EXPECT_EQ(summary.parameter_bytes, 16);
  EXPECT_EQ(summary.ir_version, 8);
  ASSERT_EQ(summary.opsets.size(), 1u);
  EXPECT_EQ(summary.opsets[0].second, 17);
}

TEST(TensorProto, RoundTripsThroughFiles) {
  TempDir dir;
  Tensor t("ids", DType::kInt64, {2, 3});
  for (int i = 0; i < 6; ++i) t.data<int64_t>()[i] = i * 1000 - 7;
  write_tensor_folder(dir / "set", "input", {t, t});
  const auto back = read_tensor_folder(dir / "set", "input");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].shape(), t.shape());
  EXPECT_EQ(back[1].dtype(), DType::kInt64);
  EXPECT_EQ(back[1].data<int64_t>()[5], 4993);
}

TEST(TensorProto, TypedFieldsAndSizeMismatch) {
  onnx::TensorProto proto;
  proto.set_name("f");
  proto.set_data_type(static_cast<int>(DType::kFloat32));
  proto.add_dims(3);
  for (float v : {1.5f, -2.0f, 3.25f}) proto.add_float_data(v);
  EXPECT_EQ(tensor_from_proto(proto).data<float>()[2], 3.25f);
  proto.add_dims(2);  // now 3x2 but only 3 values
  EXPECT_THROW(tensor_from_proto(proto), Error);
  proto.clear_float_data();
  proto.set_raw_data(std::string(5, 'x'));
  EXPECT_THROW(tensor_from_proto(proto), Error);
}

TEST(TensorProto, ShapeNotBackedByItsDataIsRefusedBeforeAllocating) {
  onnx::TensorProto proto;
  proto.set_name("big");
  proto.set_data_type(static_cast<int>(DType::kFloat32));
  proto.add_dims(int64_t{1} << 40);         // 4 TiB claimed...
  proto.set_raw_data(std::string(4, 'x'));  // ...4 bytes given
  try {
    tensor_from_proto(proto);
    ADD_FAILURE() << "accepted a shape its data does not back";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("'big'"), std::string::npos) << e.what();
  }
  proto.clear_raw_data();
  proto.add_float_data(1.0f);
  EXPECT_THROW(tensor_from_proto(proto), Error);
  proto.set_dims(0, int64_t{1} << 62);  // the byte size wraps
  EXPECT_THROW(tensor_from_proto(proto), Error);
}

TEST(TensorProto, MissingIndexInFolderIsAnError) {
  TempDir dir;
  Tensor t("x", DType::kFloat32, {1});
  write_tensor_file(dir / "input_0.pb", t);
  write_tensor_file(dir / "input_2.pb", t);
  EXPECT_THROW(read_tensor_folder(dir.path(), "input"), Error);
}

}  // namespace
}  // namespace inferfoundry
