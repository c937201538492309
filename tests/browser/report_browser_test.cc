// The HTML report as a person sees it: the real CLI benchmarks the demo model, renders the report, and
// headless Chromium loads it. The test checks that the page logged nothing to the console, that the parsed
// DOM holds the SVG charts (and no script element, though the model name is hostile), and keeps light and
// dark screenshots under <build>/test-artifacts for people to look at.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::run_cli;
using testing::TempDir;

std::optional<fs::path> find_chromium() {
  if (const char* given = std::getenv("CHROMIUM"); given && *given) return fs::path(given);
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin";
  for (size_t start = 0; start <= dirs.size();) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

struct BrowserRun {
  int exit_code = -1;
  std::string dom;  // stdout: the DOM after parsing, with --dump-dom
  std::string log;  // stderr: Chromium's log, console messages included
};

// Runs Chromium headless on one page, under `timeout` so a hung browser fails the test instead of ctest's.
BrowserRun run_chromium(const fs::path& chromium, const fs::path& work, const fs::path& page,
                        const std::vector<std::string>& extra) {
  std::string profile = (work / "profile-XXXXXX").string();  // a fresh profile for every run
  if (!mkdtemp(profile.data())) return {};
  std::vector<std::string> args{"timeout",
                                "120",
                                chromium.string(),
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--disable-dev-shm-usage",
                                "--user-data-dir=" + profile,
                                "--enable-logging=stderr",
                                "--v=0"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("file://" + fs::absolute(page).string());
  const testing::CliResult result = testing::run_program(args);
  BrowserRun run;
  run.exit_code = result.exit_code;
  run.dom = result.out;
  run.log = result.err;
  return run;
}

// Chromium logs every console message of the page (errors, CSP violations, failed loads) as a CONSOLE line.
std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < log.size()) {
    const size_t end = std::min(log.find('\n', start), log.size());
    const std::string line = log.substr(start, end - start);
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

bool is_png(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec) || fs::file_size(path, ec) < 1000) return false;
  return read_file(path).rfind("\x89PNG\r\n\x1a\n", 0) == 0;
}

class ReportInBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = find_chromium();
    if (!chromium_) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs Debian's chromium package)";
  }
  std::optional<fs::path> chromium_;
  TempDir work_;
};

// The detector itself: a page that logs an error and throws must be caught, or the clean result below means nothing.
TEST_F(ReportInBrowser, ConsoleErrorsOfAPageAreDetected) {
  const fs::path page = work_ / "broken.html";
  testing::write_text(page,
                      "<!DOCTYPE html><html><body><p>x</p><script>console.error('probe-error');"
                      "throw new Error('probe-throw');</script></body></html>");
  const BrowserRun run = run_chromium(*chromium_, work_.path(), page, {"--dump-dom"});
  ASSERT_EQ(run.exit_code, 0) << run.log;
  const auto lines = console_lines(run.log);
  ASSERT_EQ(lines.size(), 2u) << run.log;
  EXPECT_NE(lines[0].find("probe-error"), std::string::npos);
  EXPECT_NE(lines[1].find("probe-throw"), std::string::npos);
}

TEST_F(ReportInBrowser, RealBenchmarkReportRendersItsChartsWithoutConsoleErrors) {
  const fs::path results = work_ / "results.json";
  const auto bench = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--runtimes", "onnx", "--iterations",
                              "80", "--warmup", "5", "--quiet", "--output", results.string()});
  ASSERT_EQ(bench.exit_code, 0) << bench.err;
  // The measured file with its model name replaced by a hostile one: the page must show it as text.
  auto json = nlohmann::json::parse(read_file(results));
  json["model"] = "<script>alert(1)</script>.onnx";
  testing::write_text(results, json.dump(2));

  const fs::path artifacts = INFERFOUNDRY_ARTIFACT_DIR;
  fs::create_directories(artifacts);
  const fs::path page = artifacts / "report.html";
  const auto render = run_cli({"report", "--path", results.string(), "--format", "html", "-o", page.string()});
  ASSERT_EQ(render.exit_code, 0) << render.err;

  const BrowserRun run = run_chromium(*chromium_, work_.path(), page, {"--dump-dom"});
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_TRUE(console_lines(run.log).empty()) << run.log;
  EXPECT_EQ(count_of(run.dom, "<svg"), 4u);  // distribution, median latency, throughput, speed-up
  EXPECT_EQ(count_of(run.dom, "<rect class=\"box\""), 1u);
  EXPECT_EQ(count_of(run.dom, "<rect class=\"bar\""), 3u);
  EXPECT_GE(count_of(run.dom, "<line class=\"median\""), 1u);
  EXPECT_EQ(run.dom.find("<script"), std::string::npos);
  EXPECT_NE(run.dom.find("&lt;script&gt;alert(1)&lt;/script&gt;.onnx"), std::string::npos);

  const fs::path light = artifacts / "report-light.png", dark = artifacts / "report-dark.png";
  for (const auto& [shot, scheme] : {std::pair{light, "1"}, std::pair{dark, "0"}}) {
    fs::remove(shot);
    const BrowserRun capture =
        run_chromium(*chromium_, work_.path(), page,
                     {"--hide-scrollbars", "--window-size=1100,2300",
                      "--blink-settings=preferredColorScheme=" + std::string(scheme), "--screenshot=" + shot.string()});
    ASSERT_EQ(capture.exit_code, 0) << capture.log;
    EXPECT_TRUE(console_lines(capture.log).empty()) << capture.log;
    EXPECT_TRUE(is_png(shot)) << shot;
  }
  EXPECT_NE(read_file(light), read_file(dark)) << "light and dark screenshots are identical";
}

}  // namespace
}  // namespace inferfoundry
