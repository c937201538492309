// The text and markdown reports with hostile strings from a results file: control bytes and escape
// sequences are shown, never sent to the terminal, and markdown carries no live HTML or markup. The
// reports are synthetic fixtures built in code; none of their figures is a measurement.
#include <gtest/gtest.h>

#include "report/markdown_text.h"
#include "report/regression.h"
#include "report/reporters.h"

namespace inferfoundry {
namespace {

constexpr const char* kClearScreen = "\x1b[2J";
constexpr const char* kHyperlink =
    "\x1b]8;;https://evil.example\x07"
    "click\x1b]8;;\x07";

RuntimeResult result(const std::string& runtime, double median_ms) {
  RuntimeResult r;
  r.runtime = runtime;
  r.samples_ms = {median_ms, median_ms * 1.01, median_ms * 0.99};
  r.latency = summarize(r.samples_ms);
  return r;
}

BenchmarkReport hostile_report() {
  BenchmarkReport report;
  report.model = std::string("m") + kClearScreen + ".onnx";
  report.environment = {{"cpu", std::string("cpu\nforged line")}, {"os", kHyperlink}, {"timestamp_utc", "<img src=x>"}};
  report.results.push_back(result(std::string("onnx") + kClearScreen, 2.0));
  RuntimeResult failed;
  failed.runtime = "<img src=https://evil.example/x.png>";
  failed.status = RunStatus::kFailed;
  failed.error = std::string("boom\n") + kHyperlink;
  report.results.push_back(failed);
  return report;
}

void expect_no_control_bytes(const std::string& text, size_t newlines_allowed) {
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_EQ(text.find('\x07'), std::string::npos) << text;
  EXPECT_EQ(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')), newlines_allowed) << text;
}

TEST(TextReport, ControlBytesFromTheResultsFileAreEscaped) {
  const std::string text = render_text(hostile_report());
  // banner, host line, header, two rows: one line each, none forged.
  expect_no_control_bytes(text, 5);
  EXPECT_NE(text.find("m\\x1b[2J.onnx"), std::string::npos) << text;
  EXPECT_NE(text.find("cpu\\x0aforged line"), std::string::npos) << text;
  EXPECT_NE(text.find("boom\\x0a\\x1b]8;;https://evil.example\\x07click"), std::string::npos) << text;
}

TEST(MarkdownReport, HtmlMarkupAndControlBytesAreEscaped) {
  const std::string markdown = render_markdown(hostile_report());
  EXPECT_EQ(markdown.find("<img"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("&lt;img src=https://evil.example/x.png&gt;"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find('\x1b'), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("\nforged line"), std::string::npos) << markdown;
  EXPECT_EQ(markdown_text("a|b *c* _d_ `e` [f](g) <h> & \\ # ! ~"),
            "a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) &lt;h&gt; &amp; \\\\ \\# \\! \\~");
}

TEST(ComparisonReport, NamesFromTheFilesAreEscapedInTextAndMarkdown) {
  BenchmarkReport old_run = hostile_report(), new_run = hostile_report();
  const RunHistory history =
      compare_history({{std::string("old") + kClearScreen + ".json", old_run}, {"<b>new</b>.json", new_run}}, 0.05);
  const std::string text = render_comparison_text(history);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("old\\x1b[2J.json"), std::string::npos) << text;
  const std::string markdown = render_comparison_markdown(history);
  EXPECT_EQ(markdown.find("<b>"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find('\x1b'), std::string::npos) << markdown;
}

}  // namespace
}  // namespace inferfoundry
