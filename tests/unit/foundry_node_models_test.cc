// foundry's CPU pipeline on every ONNX backend node-test model: each either builds or fails with one
// Error (never a crash), and the models of the core CNN operators build. Model files are untrusted input.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "model/tensor_proto.h"
#include "runtimes/foundry/plan/planner.h"

namespace inferfoundry::foundry {
namespace {

namespace fs = std::filesystem;

TEST(FoundryNodeModels, EveryModelBuildsOrFailsCleanly) {
  const fs::path root = fs::path(ONNX_TESTDATA_DIR) / "node";
  if (!fs::is_directory(root)) GTEST_SKIP() << "no ONNX node tests at " << root;
  int built = 0, rejected = 0;
  // Cases whose weights are graph inputs (most Conv, Gemm and BatchNormalization cases) are rejected:
  // part 1 needs constant weights. These have only runtime activations and must build.
  std::vector<std::string> must_build = {"test_maxpool_2d_pads",
                                         "test_globalaveragepool",
                                         "test_softmax_axis_1",
                                         "test_relu",
                                         "test_add_bcast",
                                         "test_concat_2d_axis_0",
                                         "test_flatten_axis1",
                                         "test_transpose_default",
                                         "test_averagepool_2d_pads_count_include_pad",
                                         "test_sigmoid"};
  std::vector<std::string> built_names;
  for (const auto& entry : fs::directory_iterator(root)) {
    const fs::path dir = entry.path();
    if (!fs::exists(dir / "model.onnx")) continue;
    SCOPED_TRACE(dir.filename().string());
    try {
      const Model model = Model::load(dir / "model.onnx");
      PipelineOptions options;
      const auto inputs = read_tensor_folder(dir / "test_data_set_0", "input");
      for (size_t k = 0; k < inputs.size() && k < model.inputs().size(); ++k)
        options.shapes[model.inputs()[k].name] = inputs[k].shape();
      for (bool fp16 : {false, true}) {
        options.format.fp16 = fp16;
        plan_model(model, options);
      }
      ++built;
      built_names.push_back(dir.filename().string());
    } catch (const Error&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << dir.filename().string() << ": not an inferfoundry::Error: " << e.what();
    }
  }
  EXPECT_GT(built, 100);
  for (const auto& name : must_build) {
    EXPECT_NE(std::find(built_names.begin(), built_names.end(), name), built_names.end()) << name << " should build";
  }
  std::printf("node-test models: %d build, %d rejected with an error\n", built, rejected);
}

}  // namespace
}  // namespace inferfoundry::foundry
