// Every exit status of docs/exit-codes.md, each produced by the real CLI at least once; none of them is 1,
// the status of a bug (issue 20: exit 1 must never answer bad input).
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_io.h"
#include "model/graph_builder.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::CliResult;
using testing::run_cli;
using testing::TempDir;

// The codes in the first column of docs/exit-codes.md's table.
std::set<int> documented_codes() {
  // From the source tree, not __FILE__: ccache (CCACHE_BASEDIR) makes __FILE__ relative to the build folder.
  const fs::path doc = fs::path(INFERFOUNDRY_SOURCE_DIR) / "docs" / "exit-codes.md";
  const std::string text = read_file(doc);
  const std::regex row(R"(\n\| *([0-9]+) *\|)");
  std::set<int> codes;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), row); it != std::sregex_iterator(); ++it)
    codes.insert(std::stoi((*it)[1]));
  return codes;
}

// Errors (2, 3, 5) say so in one line on stderr; 4, 6 and 7 are verdicts on a finished run, in its output.
void expect_code(const CliResult& r, int code) {
  EXPECT_EQ(r.exit_code, code) << r.out << r.err;
  const bool error = code == exit_code::kUsage || code == exit_code::kInput || code == exit_code::kOutput;
  if (error) EXPECT_NE(r.err.find("inferfoundry: error: "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
}

std::vector<std::string> bench(const std::string& model, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"benchmark", "--model", model, "--iterations", "3", "--warmup", "0", "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// A results file of one runtime whose samples are all `latency_ms`.
std::string results_with_latency(double latency_ms) {
  nlohmann::json samples = nlohmann::json::array();
  for (int i = 0; i < 50; ++i) samples.push_back(latency_ms * (1 + 0.001 * (i % 5)));
  return nlohmann::json{{"model", "m.onnx"},
                        {"results", {{{"runtime", "onnx"}, {"latency_ms", latency_ms}, {"samples_ms", samples}}}}}
      .dump();
}

TEST(ExitCodes, TheDocumentedCodesAreZeroToSeven) {
  EXPECT_EQ(documented_codes(), (std::set<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(ExitCodes, ZeroOnSuccess) { expect_code(run_cli(bench(INFERFOUNDRY_DEMO_MODEL)), exit_code::kOk); }

TEST(ExitCodes, TwoForAUsageError) {
  expect_code(run_cli(bench(INFERFOUNDRY_DEMO_MODEL, {"--iterations", "many"})), exit_code::kUsage);
}

TEST(ExitCodes, ThreeForABadInputFile) {
  TempDir dir;
  testing::write_text(dir / "m.onnx", "not a model");
  expect_code(run_cli(bench((dir / "m.onnx").string())), exit_code::kInput);
}

TEST(ExitCodes, FourWhenARuntimeRejectsTheModel) {
  TempDir dir;
  GraphBuilder g("unknown-op", 17);
  g.add_input("x", DType::kFloat32, {fixed_dim(2)});
  g.add_node("NoSuchOperator", {"x"}, {"y"});
  g.add_output("y", DType::kFloat32, {fixed_dim(2)});
  std::string bytes;
  ASSERT_TRUE(g.build().SerializeToString(&bytes));
  write_file_atomically(dir / "m.onnx", bytes);
  const auto r = run_cli(bench((dir / "m.onnx").string(), {"--runtimes", "onnx"}));
  expect_code(r, exit_code::kRuntimeFailed);
  EXPECT_NE(r.out.find("failed"), std::string::npos) << r.out;
}

TEST(ExitCodes, FiveWhenTheOutputCannotBeWritten) {
  TempDir dir;
  expect_code(run_cli(bench(INFERFOUNDRY_DEMO_MODEL, {"--output", (dir / "missing/r.json").string()})),
              exit_code::kOutput);
}

TEST(ExitCodes, SixWhenACheckFails) {
  TempDir dir;
  testing::write_text(dir / "old.json", results_with_latency(1.0));
  testing::write_text(dir / "new.json", results_with_latency(2.0));
  expect_code(run_cli({"report", "--compare", (dir / "old.json").string(), (dir / "new.json").string()}),
              exit_code::kCheckFailed);
}

TEST(ExitCodes, SevenWhenARequestedRuntimeIsUnavailable) {
  const auto runtimes = nlohmann::json::parse(run_cli({"runtimes", "--json"}).out);
  std::string unavailable;
  for (const auto& runtime : runtimes) {
    if (!runtime["available"].get<bool>()) unavailable = runtime["name"].get<std::string>();
  }
  if (unavailable.empty()) GTEST_SKIP() << "every runtime of this build is available here";
  expect_code(run_cli(bench(INFERFOUNDRY_DEMO_MODEL, {"--runtimes", "onnx," + unavailable})), exit_code::kUnavailable);
}

}  // namespace
}  // namespace inferfoundry
