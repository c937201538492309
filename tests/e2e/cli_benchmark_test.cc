// End-to-end: the inferfoundry binary benchmarks the demo model and writes a results file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
using testing::run_cli;
using testing::TempDir;

TEST(CliBenchmark, DemoModelOnOnnxWritesTableAndJson) {
  TempDir dir;
  const auto out = dir / "results.json";
  const auto r = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--iterations", "20", "--warmup", "2",
                          "--output", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("demo_cnn.onnx"), std::string::npos);
  EXPECT_NE(r.out.find("1.00x (baseline)"), std::string::npos);
  const auto json = nlohmann::json::parse(read_file(out));
  EXPECT_EQ(json["model"], "demo_cnn.onnx");
  ASSERT_EQ(json["results"].size(), 1u);
  const auto& result = json["results"][0];
  EXPECT_EQ(result["runtime"], "onnx");
  EXPECT_EQ(result["status"], "ok");
  EXPECT_GT(result["latency_ms"].get<double>(), 0);
  EXPECT_DOUBLE_EQ(result["latency_ms"].get<double>(), result["latency"]["median_ms"].get<double>());
  EXPECT_EQ(result["samples_ms"].size(), 20u);
  EXPECT_EQ(json["schema_version"], 1);
  EXPECT_EQ(json["environment"]["runtime_versions"]["onnx"], "1.29.0");
}

}  // namespace
}  // namespace inferfoundry
