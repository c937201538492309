// End-to-end: `benchmark` checks every runtime's outputs against the reference, catches a runtime whose
// outputs differ (in-process, with a test-only perturbing runtime), and keeps inputs and outputs that
// replay with --inputs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bench/suite.h"
#include "core/error.h"
#include "core/file_io.h"
#include "model/tensor_proto.h"
#include "report/json_format.h"
#include "report/reporters.h"
#include "support/cli_runner.h"
#include "support/perturbing_runtime.h"

namespace inferfoundry {
std::unique_ptr<Runtime> make_onnx_runtime();  // src/runtimes/onnx

namespace {
using testing::run_cli;
using testing::TempDir;

// `onnx`, plus "noisy" (onnx with a change far below the fp32 tolerance) and "wrong" (far above it).
RuntimeRegistry registry_with_perturbed_runtimes() {
  RuntimeRegistry registry;
  registry.add(make_onnx_runtime());
  registry.add(testing::make_perturbing_runtime(make_onnx_runtime(), "noisy", 1e-7));
  registry.add(testing::make_perturbing_runtime(make_onnx_runtime(), "wrong", 0.25));
  return registry;
}

BenchmarkRequest short_request(const std::string& runtimes) {
  BenchmarkRequest request;
  request.model = INFERFOUNDRY_DEMO_MODEL;
  request.runtimes = runtimes;
  request.plan.warmup_runs = 1;
  request.plan.min_iterations = 5;
  request.plan.min_duration_s = 0;
  return request;
}

const RuntimeResult& result_of(const BenchmarkReport& report, const std::string& runtime) {
  for (const auto& r : report.results) {
    if (r.runtime == runtime) return r;
  }
  throw std::runtime_error("no result for " + runtime);
}

TEST(BenchmarkCheck, CatchesARuntimeWhoseOutputsDiffer) {
  const auto registry = registry_with_perturbed_runtimes();
  const BenchmarkReport report = run_benchmark(registry, short_request("onnx,noisy,wrong"));

  EXPECT_FALSE(result_of(report, "onnx").accuracy) << "the reference is not compared with itself";
  const auto& noisy = result_of(report, "noisy");
  ASSERT_TRUE(noisy.accuracy);
  EXPECT_TRUE(noisy.accuracy->passed);
  EXPECT_EQ(noisy.accuracy->reference, "onnx");
  EXPECT_TRUE(noisy.comparable());

  const auto& wrong = result_of(report, "wrong");
  ASSERT_TRUE(wrong.accuracy);
  EXPECT_FALSE(wrong.accuracy->passed);
  EXPECT_FALSE(wrong.comparable());
  ASSERT_EQ(wrong.accuracy->outputs.size(), 1u);
  const auto& output = wrong.accuracy->outputs[0];
  EXPECT_EQ(output.mismatches, 1);
  EXPECT_NEAR(output.max_abs_error, 0.25, 1e-6);
  EXPECT_LT(output.cosine_similarity, 1.0);
  EXPECT_NE(output.note.find("[0, 0]"), std::string::npos) << output.note;
  EXPECT_DOUBLE_EQ(wrong.accuracy->atol, 1e-4);
  EXPECT_DOUBLE_EQ(wrong.accuracy->rtol, 1e-3);
  EXPECT_EQ(benchmark_exit_status(report), exit_code::kCheckFailed);
  EXPECT_EQ(report.config["check"]["reference"], "onnx");
}

TEST(BenchmarkCheck, TableMarksTheFailedRuntimeAndClaimsNoSpeedupForIt) {
  const auto registry = registry_with_perturbed_runtimes();
  const BenchmarkReport report = run_benchmark(registry, short_request("onnx,wrong"));
  const std::string table = render_text(report);
  const auto& wrong = result_of(report, "wrong");
  const auto line_start = table.find("\nwrong ");
  ASSERT_NE(line_start, std::string::npos) << table;
  const std::string line = table.substr(line_start + 1, table.find('\n', line_start + 1) - line_start - 1);
  EXPECT_NE(line.find(fmt::format("({:.4f})", wrong.latency.median)), std::string::npos) << line;
  EXPECT_NE(line.find("FAIL"), std::string::npos) << line;
  EXPECT_EQ(line.find('x'), std::string::npos) << "no speed-up for a failed check: " << line;
  EXPECT_NE(table.find("outputs differ from onnx"), std::string::npos) << table;
  EXPECT_NE(table.find("output '" + wrong.accuracy->outputs[0].name + "': max abs error 0.25"), std::string::npos)
      << table;
  EXPECT_NE(table.find("1 of 10 elements differ; worst at [0, 0]"), std::string::npos) << table;
}

TEST(BenchmarkCheck, ToleranceOverrideCanAcceptTheDifference) {
  const auto registry = registry_with_perturbed_runtimes();
  auto request = short_request("onnx,wrong");
  request.check.tolerance.atol = 0.5;
  const BenchmarkReport report = run_benchmark(registry, request);
  const auto& wrong = result_of(report, "wrong");
  ASSERT_TRUE(wrong.accuracy);
  EXPECT_TRUE(wrong.accuracy->passed);
  EXPECT_DOUBLE_EQ(wrong.accuracy->atol, 0.5);
  EXPECT_EQ(benchmark_exit_status(report), exit_code::kOk);
}

TEST(BenchmarkCheck, ReferenceCanBeChosenAndNoCheckTurnsItOff) {
  const auto registry = registry_with_perturbed_runtimes();
  auto request = short_request("onnx,wrong");
  request.check.reference = "wrong";
  const BenchmarkReport checked = run_benchmark(registry, request);
  ASSERT_TRUE(result_of(checked, "onnx").accuracy);
  EXPECT_FALSE(result_of(checked, "onnx").accuracy->passed);
  EXPECT_EQ(result_of(checked, "onnx").accuracy->reference, "wrong");
  EXPECT_FALSE(result_of(checked, "wrong").accuracy);

  request.check = {};
  request.check.enabled = false;
  const BenchmarkReport unchecked = run_benchmark(registry, request);
  for (const auto& r : unchecked.results) EXPECT_FALSE(r.accuracy) << r.runtime;
  EXPECT_EQ(benchmark_exit_status(unchecked), exit_code::kOk);
}

TEST(BenchmarkCheck, UnknownReferenceIsAUsageError) {
  const auto registry = registry_with_perturbed_runtimes();
  auto request = short_request("onnx,noisy");
  request.check.reference = "wrong";
  try {
    run_benchmark(registry, request);
    FAIL() << "expected a usage error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("--reference wrong"), std::string::npos) << e.what();
  }
}

TEST(BenchmarkCheck, ARuntimeThatReportsFp16GetsTheFp16Tolerance) {
  // 0.005 on a softmax probability: far beyond fp32's 1e-4 + 1e-3 * |x|, within fp16's 1e-2 + 1e-2 * |x|.
  RuntimeRegistry registry;
  registry.add(make_onnx_runtime());
  registry.add(testing::make_perturbing_runtime(make_onnx_runtime(), "half", 0.005, Precision::kFp16));
  registry.add(testing::make_perturbing_runtime(make_onnx_runtime(), "full", 0.005));
  const BenchmarkReport report = run_benchmark(registry, short_request("onnx,half,full"));
  const auto& half = result_of(report, "half");
  const auto& full = result_of(report, "full");
  ASSERT_TRUE(half.accuracy && full.accuracy);
  EXPECT_TRUE(half.accuracy->passed) << half.accuracy->outputs[0].note;
  EXPECT_DOUBLE_EQ(half.accuracy->atol, 1e-2);
  EXPECT_FALSE(full.accuracy->passed);
  EXPECT_DOUBLE_EQ(full.accuracy->atol, 1e-4);
}

TEST(BenchmarkCheck, APairIsCheckedAtItsLessExactSideAndTheResultsFileKeepsEachPrecision) {
  // The fp16 runtime is the reference here: the fp32 runtime is still checked at fp16's tolerance.
  RuntimeRegistry registry;
  registry.add(testing::make_perturbing_runtime(make_onnx_runtime(), "half", 0.0, Precision::kFp16));
  registry.add(testing::make_perturbing_runtime(make_onnx_runtime(), "full", 0.005));
  const BenchmarkReport report = run_benchmark(registry, short_request("half,full"));
  const auto& full = result_of(report, "full");
  ASSERT_TRUE(full.accuracy);
  EXPECT_TRUE(full.accuracy->passed);
  EXPECT_DOUBLE_EQ(full.accuracy->atol, 1e-2);
  EXPECT_EQ(result_of(report, "half").precision, Precision::kFp16);
  EXPECT_EQ(full.precision, Precision::kFp32);

  TempDir dir;
  save_report(dir / "results.json", report);
  const auto json = nlohmann::json::parse(read_file(dir / "results.json"));
  EXPECT_EQ(json["results"][0]["precision"], "fp16");
  EXPECT_EQ(json["results"][1]["precision"], "fp32");
  EXPECT_EQ(result_of(load_report(dir / "results.json"), "half").precision, Precision::kFp16);
}

TEST(OptionsFor, ScopedKeysReachTheirRuntimeAndWinOverUnscopedOnes) {
  RuntimeOptions options;
  options.extra = {{"tf32", "0"}, {"foundry:tf32", "1"}, {"onnx-cuda:use_tf32", "1"}};
  const RuntimeOptions foundry = options_for(options, "foundry");
  EXPECT_EQ(foundry.extra, (std::map<std::string, std::string>{{"tf32", "1"}}));
  const RuntimeOptions cuda = options_for(options, "onnx-cuda");
  EXPECT_EQ(cuda.extra, (std::map<std::string, std::string>{{"tf32", "0"}, {"use_tf32", "1"}}));
  EXPECT_EQ(options_for(options, "onnx").extra, (std::map<std::string, std::string>{{"tf32", "0"}}));
}

// A runtime whose every prepare fails, to stand in for a reference that cannot run.
class BrokenRuntime : public Runtime {
 public:
  std::string name() const override { return "broken"; }
  std::string description() const override { return "test only: always fails"; }
  Availability availability() const override { return {true, ""}; }
  std::string version() const override { return "0"; }
  std::unique_ptr<Session> prepare(const Model&, const RuntimeOptions&) const override {
    fail(ErrorKind::kRuntime, "broken on purpose");
  }
};

TEST(BenchmarkCheck, WithoutReferenceOutputsNothingIsCheckedAndTheFailureWins) {
  RuntimeRegistry registry;
  registry.add(std::make_unique<BrokenRuntime>());
  registry.add(make_onnx_runtime());
  const BenchmarkReport report = run_benchmark(registry, short_request("broken,onnx"));
  EXPECT_EQ(result_of(report, "broken").status, RunStatus::kFailed);
  EXPECT_FALSE(result_of(report, "onnx").accuracy) << "nothing to compare against";
  EXPECT_EQ(benchmark_exit_status(report), exit_code::kRuntimeFailed);
}

TEST(BenchmarkCheck, VerdictSurvivesTheResultsFile) {
  const auto registry = registry_with_perturbed_runtimes();
  const BenchmarkReport report = run_benchmark(registry, short_request("onnx,wrong"));
  TempDir dir;
  save_report(dir / "results.json", report);
  const auto json = nlohmann::json::parse(read_file(dir / "results.json"));
  const auto& accuracy = json["results"][1]["accuracy"];
  EXPECT_EQ(accuracy["reference"], "onnx");
  EXPECT_EQ(accuracy["passed"], false);
  EXPECT_EQ(accuracy["outputs"][0]["mismatches"], 1);
  EXPECT_TRUE(accuracy["outputs"][0]["max_abs_error"].is_number());
  const BenchmarkReport loaded = load_report(dir / "results.json");
  const auto& wrong = result_of(loaded, "wrong");
  ASSERT_TRUE(wrong.accuracy);
  EXPECT_FALSE(wrong.comparable());
  EXPECT_NE(render_text(loaded).find("FAIL"), std::string::npos);
}

TEST(CliCheck, SavedInputsReplayToTheSameOutputs) {
  TempDir dir;
  const auto results = dir / "results.json";
  auto r = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--iterations", "3", "--warmup", "0", "--seed",
                    "7", "--save-inputs", (dir / "inputs").string(), "--save-outputs", (dir / "first").string(),
                    "--output", results.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(read_file(results));
  EXPECT_EQ(json["config"]["check"]["enabled"], true);
  EXPECT_EQ(json["config"]["check"]["reference"], "onnx");
  ASSERT_TRUE(std::filesystem::exists(dir / "inputs" / "input_0.pb"));
  const Tensor first = read_tensor_file(dir / "first" / "onnx" / "output_0.pb");

  r = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--iterations", "3", "--warmup", "0", "--inputs",
               (dir / "inputs").string(), "--save-outputs", (dir / "replay").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Tensor replay = read_tensor_file(dir / "replay" / "onnx" / "output_0.pb");
  ASSERT_EQ(first.shape(), replay.shape());
  ASSERT_EQ(first.dtype(), replay.dtype());
  EXPECT_TRUE(std::equal(first.bytes().begin(), first.bytes().end(), replay.bytes().begin()))
      << "the same saved inputs must give the same outputs on the same runtime";
}

TEST(CliCheck, BadCheckOptionsAreUsageErrors) {
  const std::string model = INFERFOUNDRY_DEMO_MODEL;
  auto r = run_cli({"benchmark", "--model", model, "--reference", "onnx-cuda-nope"});
  EXPECT_EQ(r.exit_code, exit_code::kUsage) << r.err;
  r = run_cli({"benchmark", "--model", model, "--no-check", "--atol", "0.1"});
  EXPECT_EQ(r.exit_code, exit_code::kUsage) << r.err;
  EXPECT_NE(r.err.find("--no-check"), std::string::npos) << r.err;
  r = run_cli({"benchmark", "--model", model, "--atol", "-1"});
  EXPECT_EQ(r.exit_code, exit_code::kUsage) << r.err;
}

}  // namespace
}  // namespace inferfoundry
