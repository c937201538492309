// model_content_digest: what cached engines, plans and converted models are keyed on.
#include "runtimes/model_digest.h"

#include <gtest/gtest.h>

#include "cache/cache.h"
#include "core/file_io.h"
#include "model/graph_builder.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

// y = x + w, with w's 16 bytes in the external file "w.bin".
void save_model_with_external_weights(const fs::path& dir) {
  GraphBuilder g("add", 17);
  g.add_input("x", DType::kFloat32, {fixed_dim(4)});
  g.add_initializer(Tensor("w", DType::kFloat32, {4}));
  g.add_node("Add", {"x", "w"}, {"y"});
  g.add_output("y", DType::kFloat32, {fixed_dim(4)});
  onnx::ModelProto proto = g.build();
  auto* init = proto.mutable_graph()->mutable_initializer(0);
  init->clear_raw_data();
  init->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* location = init->add_external_data();
  location->set_key("location");
  location->set_value("w.bin");
  write_file_atomically(dir / "m.onnx", proto.SerializeAsString());
}

TEST(ModelDigest, ChangesWithExternalDataContent) {
  TempDir dir;
  save_model_with_external_weights(dir.path());
  write_file_atomically(dir / "w.bin", std::string(16, '\1'));
  const std::string first = model_content_digest(Model::load(dir / "m.onnx"));
  EXPECT_EQ(first, model_content_digest(Model::load(dir / "m.onnx")));
  write_file_atomically(dir / "w.bin", std::string(15, '\1') + '\2');  // one weight byte differs
  EXPECT_NE(first, model_content_digest(Model::load(dir / "m.onnx")));
}

TEST(ModelDigest, InMemoryModelsAreKeyedOnTheirBytes) {
  GraphBuilder g("relu", 17);
  g.add_input("x", DType::kFloat32, {fixed_dim(2)});
  g.add_node("Relu", {"x"}, {"y"});
  g.add_output("y", DType::kFloat32, {fixed_dim(2)});
  const Model model = Model::from_proto(g.build(), "relu");
  EXPECT_EQ(model_content_digest(model), xxh128_hex(model.serialized()));
}

}  // namespace
}  // namespace inferfoundry
