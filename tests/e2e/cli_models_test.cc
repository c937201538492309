// The CLI on real ONNX files from Debian's libonnx-testdata, and the inspect/runtimes/report commands.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using testing::run_cli;
using testing::TempDir;

const fs::path kTestData(ONNX_TESTDATA_DIR);

TEST(CliModels, InspectJsonOfATestDataModel) {
  const auto r = run_cli(
      {"inspect", "--json", "--model", (kTestData / "node/test_conv_with_strides_padding/model.onnx").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["op_histogram"]["Conv"], 1);
  EXPECT_EQ(j["inputs"].size(), 2u);
  EXPECT_EQ(j["inputs"][0]["dtype"], "float32");
  EXPECT_EQ(j["inputs"][0]["shape"], json::parse("[1,1,7,5]"));
}

TEST(CliModels, InspectShowsSymbolicDimsByName) {
  const auto r = run_cli({"inspect", "--model", INFERFOUNDRY_DEMO_MODEL});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("batch x 3 x 32 x 32"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("parameters:  5418"), std::string::npos) << r.out;
}

TEST(CliModels, BenchmarkWithInputsFromTestDataFolder) {
  TempDir dir;
  const fs::path testcase = kTestData / "pytorch-converted/test_Conv2d";
  const auto r = run_cli({"benchmark", "--model", (testcase / "model.onnx").string(), "--inputs",
                          (testcase / "test_data_set_0").string(), "--iterations", "5", "--warmup", "1", "-o",
                          (dir / "r.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(read_file(dir / "r.json"));
  EXPECT_EQ(j["config"]["input_source"], (testcase / "test_data_set_0").string());
  EXPECT_EQ(j["results"][0]["status"], "ok");
}

TEST(CliModels, SymbolicShapesChangeTheInput) {
  TempDir dir;
  const auto r = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--shapes", "batch:4", "--iterations", "3",
                          "-o", (dir / "r.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(read_file(dir / "r.json"));
  EXPECT_EQ(j["config"]["inputs"][0]["shape"], "4x3x32x32");
}

TEST(CliModels, DurationKeepsRunningUntilReached) {
  TempDir dir;
  const auto r = run_cli(
      {"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--duration", "300ms", "-o", (dir / "r.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(read_file(dir / "r.json"));
  EXPECT_GE(j["results"][0]["wall_s"].get<double>(), 0.3);
  EXPECT_GE(j["results"][0]["samples_ms"].size(), 10u);
}

TEST(CliModels, RuntimesJsonListsOnnx) {
  const auto r = run_cli({"runtimes", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  bool found = false;
  for (const auto& runtime : j) {
    if (runtime["name"] == "onnx") {
      found = true;
      EXPECT_TRUE(runtime["available"].get<bool>());
    }
    if (!runtime["available"].get<bool>()) EXPECT_FALSE(runtime["reason"].get<std::string>().empty());
  }
  EXPECT_TRUE(found);
}

TEST(CliModels, ReportRendersSavedResults) {
  TempDir dir;
  ASSERT_EQ(
      run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--iterations", "5", "-o", (dir / "r.json").string()})
          .exit_code,
      0);
  const auto text = run_cli({"report", "--path", (dir / "r.json").string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("onnx"), std::string::npos);
  EXPECT_NE(text.out.find("1.00x (baseline)"), std::string::npos);
  const auto markdown = run_cli({"report", "--path", (dir / "r.json").string(), "--format", "markdown"});
  ASSERT_EQ(markdown.exit_code, 0);
  EXPECT_NE(markdown.out.find("| onnx | ok |"), std::string::npos) << markdown.out;
  const auto legacy = dir / "legacy.json";
  testing::write_text(legacy, R"({"model": "tinyllama.onnx", "results": [{"runtime": "onnx", "latency_ms": 13.2}]})");
  const auto minimal = run_cli({"report", "--path", legacy.string()});
  EXPECT_EQ(minimal.exit_code, 0) << minimal.err;
  EXPECT_NE(minimal.out.find("13.2"), std::string::npos);
}

}  // namespace
}  // namespace inferfoundry
