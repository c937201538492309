// The results file: round trip, the minimal shape users already parse, and malformed files.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/json_text.h"
#include "report/comparison.h"
#include "report/json_format.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
using nlohmann::json;

BenchmarkReport two_runtime_report() {
  BenchmarkReport report;
  report.model = "m.onnx";
  RuntimeResult slow;
  slow.runtime = "onnx";
  slow.samples_ms = {2.0, 2.2, 1.8};
  slow.latency = summarize(slow.samples_ms);
  RuntimeResult fast = slow;
  fast.runtime = "fast";
  fast.samples_ms = {1.0, 1.1, 0.9};
  fast.latency = summarize(fast.samples_ms);
  RuntimeResult missing;
  missing.runtime = "tensorrt";
  missing.status = RunStatus::kUnavailable;
  missing.error = "libnvinfer.so.10 not found";
  report.results = {slow, fast, missing};
  return report;
}

TEST(ResultsJson, TopLevelKeepsTheShapeUsersParse) {
  const json j = report_to_json(two_runtime_report());
  EXPECT_EQ(j["model"], "m.onnx");
  EXPECT_EQ(j["results"][0]["runtime"], "onnx");
  EXPECT_DOUBLE_EQ(j["results"][0]["latency_ms"].get<double>(), 2.0);  // the median
  EXPECT_EQ(j["results"][2]["status"], "unavailable");
  EXPECT_FALSE(j["results"][2].contains("latency_ms"));
}

TEST(ResultsJson, RoundTrips) {
  const BenchmarkReport back = report_from_json(report_to_json(two_runtime_report()));
  ASSERT_EQ(back.results.size(), 3u);
  EXPECT_DOUBLE_EQ(back.results[1].latency.median, 1.0);
  EXPECT_EQ(back.results[1].samples_ms.size(), 3u);
  EXPECT_EQ(back.results[2].status, RunStatus::kUnavailable);
  EXPECT_EQ(back.results[2].error, "libnvinfer.so.10 not found");
}

TEST(ResultsJson, AcceptsTheMinimalShape) {
  const BenchmarkReport report = report_from_json(json::parse(
      R"({"model": "tinyllama.onnx", "results": [{"runtime": "onnx", "latency_ms": 13.2}, {"runtime": "x", "latency_ms": 6.6}]})"));
  ASSERT_EQ(report.results.size(), 2u);
  const auto rows = comparison_rows(report);
  EXPECT_EQ(rows[0].result->runtime, "x");
  ASSERT_TRUE(rows[0].speedup.has_value());
  EXPECT_DOUBLE_EQ(*rows[0].speedup, 2.0);
}

TEST(ResultsJson, ForeignOrBrokenFilesAreInputErrors) {
  for (const char* text :
       {R"([1,2,3])", R"({"results": []})", R"({"model": "m", "results": {}})",
        R"({"model": "m", "results": [{"latency_ms": 1}]})", R"({"model": "m", "results": [{"runtime": "onnx"}]})",
        R"({"model": "m", "results": [{"runtime": "onnx", "status": "weird"}]})",
        R"({"model": "m", "schema_version": 99, "results": []})"}) {
    try {
      report_from_json(json::parse(text));
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput) << text;
    }
  }
}

TEST(ResultsJson, MalformedJsonFileIsAnInputError) {
  testing::TempDir dir;
  testing::write_text(dir / "bad.json", "{\"model\": \"m\", \"results\": [");
  try {
    load_report(dir / "bad.json");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos);
  }
}

// A minimal results file with `levels` nested arrays at `where` ("details" inside the result, or a top-level
// block such as "environment").
std::string deeply_nested(const std::string& where, int levels) {
  const std::string nest =
      std::string(static_cast<size_t>(levels), '[') + std::string(static_cast<size_t>(levels), ']');
  if (where == "details")
    return R"({"model": "m", "results": [{"runtime": "onnx", "latency_ms": 1, "details": {"x": )" + nest + "}}]}";
  return R"({"model": "m", "results": [], ")" + where + R"(": {"x": )" + nest + "}}";
}

TEST(ResultsJson, NestingPastTheLimitIsAnInputErrorNotAStackOverflow) {
  testing::TempDir dir;
  for (const auto& [where, levels] : std::vector<std::pair<std::string, int>>{
           {"details", 100000}, {"environment", 10000}, {"config", 10000}, {"details", kMaxJsonDepth}}) {
    testing::write_text(dir / "deep.json", deeply_nested(where, levels));
    try {
      load_report(dir / "deep.json");
      ADD_FAILURE() << where << " nested " << levels << " levels was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      EXPECT_NE(std::string(e.what()).find("deeper than 64 levels"), std::string::npos) << e.what();
    }
  }
  // Nesting within the limit (the file's own levels included) still loads.
  testing::write_text(dir / "fine.json", deeply_nested("details", kMaxJsonDepth - 5));
  EXPECT_EQ(load_report(dir / "fine.json").results.size(), 1u);
}

TEST(ResultsJson, WrongTypesAreInputErrorsThatSayWhere) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"model": "m", "model_path": 5, "results": []})", "model_path should be a string, got number"},
      {R"({"model": "m", "schema_version": "1", "results": []})", "schema_version should be a whole number"},
      {R"({"model": "m", "schema_version": 1.5, "results": []})", "schema_version should be a whole number"},
      {R"({"model": "m", "environment": [1], "results": []})", "environment should be an object, got array"},
      {R"({"model": "m", "config": "fast", "results": []})", "config should be an object, got string"},
      {R"({"model": "m", "results": [{"runtime": "a", "latency_ms": 1, "latency": {"count": "3"}}]})",
       "results[0].latency.count should be a whole number >= 0, got string"},
      {R"({"model": "m", "results": [{"runtime": "a", "latency_ms": 1, "latency": {"count": -3}}]})",
       "results[0].latency.count"},
      {R"({"model": "m", "results": [{"runtime": "a", "latency_ms": 1}, {"runtime": "b", "latency_ms": 1, "samples_ms": [1, "x"]}]})",
       "results[1].samples_ms should be an array of numbers"},
      {R"({"model": "m", "results": [{"runtime": "a", "latency_ms": 1, "accuracy": {"outputs": [{"mismatches": true}]}}]})",
       "results[0].accuracy.outputs[0].mismatches"},
      {R"({"model": "m", "results": [{"runtime": "a", "latency_ms": 1, "details": 7}]})", "results[0].details"},
      {R"({"model": "m", "results": [{"runtime": "a", "status": 3}]})", "results[0].status should be a string"},
  };
  for (const auto& [text, mentions] : cases) {
    try {
      report_from_json(json::parse(text));
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput) << text;
      EXPECT_NE(std::string(e.what()).find(mentions), std::string::npos) << e.what();
    }
  }
}

TEST(ResultsJson, NumberPastTheRangeOfADoubleIsAnInputError) {
  testing::TempDir dir;
  testing::write_text(dir / "big.json", R"({"model": "m", "results": [{"runtime": "a", "latency_ms": 1e400}]})");
  try {
    load_report(dir / "big.json");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("1e400"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("json.exception"), std::string::npos) << e.what();
  }
}

TEST(Comparison, FastestFirstSpeedupAgainstFirstListed) {
  const BenchmarkReport report = two_runtime_report();
  const auto rows = comparison_rows(report);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].result->runtime, "fast");
  EXPECT_DOUBLE_EQ(*rows[0].speedup, 2.0);
  EXPECT_TRUE(rows[1].is_baseline);
  EXPECT_DOUBLE_EQ(*rows[1].speedup, 1.0);
  EXPECT_EQ(rows[2].result->runtime, "tensorrt");
  EXPECT_FALSE(rows[2].speedup.has_value());
}

TEST(Comparison, NoSpeedupForFailedAccuracy) {
  BenchmarkReport report = two_runtime_report();
  AccuracyVerdict verdict;
  verdict.reference = "onnx";
  verdict.passed = false;
  report.results[1].accuracy = verdict;
  const auto rows = comparison_rows(report);
  EXPECT_EQ(rows[0].result->runtime, "fast");
  EXPECT_FALSE(rows[0].speedup.has_value());
  EXPECT_NE(rows[0].note.find("not comparable"), std::string::npos);
}

}  // namespace
}  // namespace inferfoundry
