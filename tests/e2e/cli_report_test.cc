// End-to-end: `inferfoundry report` renders real results files (benchmarked here on the demo model) as
// HTML and markdown, compares runs, and gates on regressions with its exit status. The "slowed" and
// "faster" files are derived from a real run by scaling its latencies: synthetic fixtures, not measurements.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_io.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::run_cli;
using testing::TempDir;

// One real benchmark shared by every test of the suite (the demo model on ONNX Runtime, CPU).
class CliReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const auto r = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--runtimes", "onnx", "--iterations", "60",
                            "--warmup", "5", "--quiet", "--output", measured().string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    write_scaled(measured(), *dir_ / "slowed.json", 1.5);
    write_scaled(measured(), *dir_ / "faster.json", 0.5);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path measured() { return *dir_ / "measured.json"; }
  static fs::path file(const std::string& name) { return *dir_ / name; }

  // Multiplies every latency of a results file: a synthetic run that is slower or faster by `factor`.
  static void write_scaled(const fs::path& from, const fs::path& to, double factor) {
    auto json = nlohmann::json::parse(read_file(from));
    for (auto& result : json["results"]) {
      result["latency_ms"] = result["latency_ms"].get<double>() * factor;
      for (auto& sample : result["samples_ms"]) sample = sample.get<double>() * factor;
    }
    testing::write_text(to, json.dump(2));
  }

  static TempDir* dir_;
};
TempDir* CliReport::dir_ = nullptr;

TEST_F(CliReport, HtmlGoesToTheOutputFile) {
  const auto page = file("report.html");
  const auto r = run_cli({"report", "--path", measured().string(), "--format", "html", "-o", page.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const std::string html = read_file(page);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("demo_cnn.onnx"), std::string::npos);
  EXPECT_NE(html.find("class=\"box-row"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST_F(CliReport, MarkdownTableOnStandardOutput) {
  const auto r = run_cli({"report", "--path", measured().string(), "--format", "markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("| runtime |"), std::string::npos);
  EXPECT_NE(r.out.find("| onnx | ok |"), std::string::npos);
}

TEST_F(CliReport, HostileModelNameIsEscapedInHtml) {
  auto json = nlohmann::json::parse(read_file(measured()));
  json["model"] = "<script>alert(1)</script>.onnx";
  testing::write_text(file("hostile.json"), json.dump());
  const auto r = run_cli({"report", "--path", file("hostile.json").string(), "--format", "html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("<script"), std::string::npos);
  EXPECT_NE(r.out.find("&lt;script&gt;alert(1)&lt;/script&gt;.onnx"), std::string::npos);
}

TEST_F(CliReport, SameRunComparedWithItselfIsUnchanged) {
  const auto r = run_cli({"report", "--compare", measured().string(), measured().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("+0.0%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unchanged"), std::string::npos);
  EXPECT_NE(r.out.find("no regression past 5%"), std::string::npos);
}

TEST_F(CliReport, RegressionPastTheThresholdExitsSix) {
  const auto r =
      run_cli({"report", "--compare", measured().string(), file("slowed.json").string(), "--threshold", "5%"});
  EXPECT_EQ(r.exit_code, exit_code::kCheckFailed) << r.out << r.err;
  EXPECT_NE(r.out.find("+50.0%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("slower"), std::string::npos);
  EXPECT_NE(r.out.find("REGRESSION past 5%"), std::string::npos);
  // A threshold above the change lets it through.
  const auto lenient =
      run_cli({"report", "--compare", measured().string(), file("slowed.json").string(), "--threshold", "60"});
  EXPECT_EQ(lenient.exit_code, 0) << lenient.out;
  EXPECT_NE(lenient.out.find("unchanged"), std::string::npos);
}

TEST_F(CliReport, FasterIsNotARegression) {
  const auto r =
      run_cli({"report", "--compare", measured().string(), file("faster.json").string(), "--format", "markdown"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("| onnx |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-50.0%"), std::string::npos);
  EXPECT_NE(r.out.find("faster"), std::string::npos);
}

TEST_F(CliReport, HistoryOfThreeRunsGatesOnTheNewest) {
  const auto regressed =
      run_cli({"report", "--compare", measured().string(), file("faster.json").string(), file("slowed.json").string()});
  EXPECT_EQ(regressed.exit_code, exit_code::kCheckFailed) << regressed.out;
  EXPECT_NE(regressed.out.find("measured"), std::string::npos);
  EXPECT_NE(regressed.out.find("faster.json"), std::string::npos);
  EXPECT_NE(regressed.out.find("(-50.0% faster)"), std::string::npos) << regressed.out;
  EXPECT_NE(regressed.out.find("(+50.0% slower)"), std::string::npos);
  const auto recovered =
      run_cli({"report", "--compare", measured().string(), file("slowed.json").string(), measured().string()});
  EXPECT_EQ(recovered.exit_code, 0) << recovered.out;
}

TEST_F(CliReport, ComparisonCanBeWrittenToAFileAndStillGates) {
  const auto out = file("compare.md");
  const auto r = run_cli({"report", "--compare", measured().string(), file("slowed.json").string(), "--format",
                          "markdown", "-o", out.string()});
  EXPECT_EQ(r.exit_code, exit_code::kCheckFailed);
  EXPECT_NE(r.err.find("regression"), std::string::npos);
  EXPECT_NE(read_file(out).find("REGRESSION"), std::string::npos);
}

TEST_F(CliReport, BadUsageAndBadFilesGetTheirExitCodes) {
  const std::string m = measured().string();
  struct Case {
    std::vector<std::string> args;
    int exit_code;
  };
  const std::vector<Case> cases{
      {{"report"}, exit_code::kUsage},
      {{"report", "--compare", m}, exit_code::kUsage},
      {{"report", "--compare", m, m, "--threshold", "abc"}, exit_code::kUsage},
      {{"report", "--compare", m, m, "--threshold", "-5%"}, exit_code::kUsage},
      {{"report", "--compare", m, m, "--format", "html"}, exit_code::kUsage},
      {{"report", "--path", m, "--compare", m, m}, exit_code::kUsage},
      {{"report", "--path", m, "--threshold", "5%"}, exit_code::kUsage},
      {{"report", "--path", m, "--format", "pdf"}, exit_code::kUsage},
      {{"report", "--path", file("missing.json").string(), "--format", "html"}, exit_code::kInput},
      {{"report", "--compare", m, file("missing.json").string()}, exit_code::kInput},
      {{"report", "--path", m, "--format", "html", "-o", file("no-such-folder/report.html").string()},
       exit_code::kOutput},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << fmt::format("{}", fmt::join(c.args, " ")) << "\n" << r.err;
    EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
  }
}

TEST_F(CliReport, UnwritableOutputLeavesNoFileAndExitsFive) {
  if (geteuid() == 0) GTEST_SKIP() << "running as root: a read-only folder is still writable";
  const auto folder = file("read-only");
  fs::create_directories(folder);
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec);
  const auto r =
      run_cli({"report", "--path", measured().string(), "--format", "html", "-o", (folder / "r.html").string()});
  fs::permissions(folder, fs::perms::owner_all);
  EXPECT_EQ(r.exit_code, exit_code::kOutput) << r.err;
  EXPECT_FALSE(fs::exists(folder / "r.html"));
}

}  // namespace
}  // namespace inferfoundry
