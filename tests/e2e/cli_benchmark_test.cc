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

TEST(CliBenchmark, ScopedOptionReachesOnlyItsRuntime) {
  // `onnx` takes no options: unscoped, tf32=1 would be refused by it; scoped to another runtime it is not
  // given to onnx at all, and a scope naming no runtime of the run is a usage error.
  const auto unscoped = run_cli(
      {"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--iterations", "2", "--warmup", "0", "--option", "tf32=1"});
  EXPECT_EQ(unscoped.exit_code, 4) << unscoped.out << unscoped.err;  // onnx fails, its row says why
  EXPECT_NE(unscoped.out.find("has no option 'tf32'"), std::string::npos) << unscoped.out;
  const auto typo = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--iterations", "2", "--warmup", "0",
                             "--option", "fondry:tf32=1"});
  EXPECT_EQ(typo.exit_code, 2) << typo.err;
  EXPECT_NE(typo.err.find("'fondry' is not one of the runtimes"), std::string::npos) << typo.err;
}

}  // namespace
}  // namespace inferfoundry
