// The HTML report and its SVG charts, checked on the rendered text. The reports here are synthetic test
// fixtures built in code (hostile names included); none of their figures is a measurement.
#include <gtest/gtest.h>

#include <regex>

#include "report/reporters.h"
#include "report/svg_chart.h"

namespace inferfoundry {
namespace {

size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

RuntimeResult synthetic_result(const std::string& name, double base_ms, size_t count) {
  RuntimeResult r;
  r.runtime = name;
  r.version = "1.0";
  for (size_t i = 0; i < count; ++i) r.samples_ms.push_back(base_ms * (1 + 0.01 * static_cast<double>(i % 7)));
  r.samples_ms.push_back(base_ms * 3);  // one slow run: an outlier
  r.latency = summarize(r.samples_ms);
  r.throughput_per_s = 1000 / r.latency.mean;
  return r;
}

BenchmarkReport synthetic_report() {
  BenchmarkReport report;
  report.model = "demo.onnx";
  report.environment = {{"cpu", "Synthetic CPU"},
                        {"os", "Linux"},
                        {"timestamp_utc", "2026-11-21T00:00:00Z"},
                        {"runtime_versions", {{"onnx", "1.29.0"}}}};
  report.config = {{"iterations", 40}, {"inputs", {{{"name", "image"}, {"shape", "1x3x32x32"}, {"dtype", "float32"}}}}};
  report.results.push_back(synthetic_result("onnx", 2.0, 40));
  report.results.push_back(synthetic_result("fast", 1.0, 40));
  report.results.back().accuracy =
      AccuracyVerdict{"onnx", 1e-4, 1e-3, true, {{"probs", 2e-6, 1e-5, 0, 10, 1.0, true, ""}}};
  RuntimeResult missing;
  missing.runtime = "tensorrt";
  missing.status = RunStatus::kUnavailable;
  missing.error = "no CUDA device";
  report.results.push_back(missing);
  return report;
}

TEST(EscapeHtml, EscapesMarkupAndQuotes) {
  EXPECT_EQ(escape_html("<a href=\"x\">O'Neil & co</a>"), "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;");
  EXPECT_EQ(escape_html("plain ünïcode"), "plain ünïcode");
}

TEST(NiceScale, RoundsOutToNiceTicks) {
  // Rough step (4.2 - 0.83) / 5 = 0.674 rounds up to 1.
  const AxisScale scale = nice_scale(0.83, 4.2);
  EXPECT_DOUBLE_EQ(scale.min, 0);
  EXPECT_DOUBLE_EQ(scale.max, 5);
  ASSERT_EQ(scale.ticks.size(), 6u);
  EXPECT_DOUBLE_EQ(scale.ticks[1], 1.0);
  // Rough step 0.9 / 5 = 0.18 rounds up to 0.2.
  const AxisScale fine = nice_scale(1.05, 1.95);
  EXPECT_DOUBLE_EQ(fine.min, 1.0);
  EXPECT_DOUBLE_EQ(fine.max, 2.0);
  EXPECT_EQ(fine.ticks.size(), 6u);
  const AxisScale flat = nice_scale(2, 2);  // one value: padded so the axis still has a span
  EXPECT_LT(flat.min, 2);
  EXPECT_GT(flat.max, 2);
}

TEST(BoxStats, QuartilesWhiskersAndOutliers) {
  const std::vector<double> samples{1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
  const BoxStats box = box_stats(samples);
  EXPECT_EQ(box.count, 10u);
  EXPECT_DOUBLE_EQ(box.q1, 3.25);  // numpy's linear percentile
  EXPECT_DOUBLE_EQ(box.median, 5.5);
  EXPECT_DOUBLE_EQ(box.q3, 7.75);
  EXPECT_DOUBLE_EQ(box.whisker_low, 1);
  EXPECT_DOUBLE_EQ(box.whisker_high, 9);
  ASSERT_EQ(box.outliers.size(), 1u);
  EXPECT_DOUBLE_EQ(box.outliers[0], 100);
  EXPECT_EQ(box_stats({}).count, 0u);
}

TEST(SvgCharts, OneBoxPerRowAndOneBarPerRow) {
  const std::vector<BoxPlotRow> boxes{{"a", box_stats(std::vector<double>{1, 2, 3}), 0},
                                      {"b", box_stats(std::vector<double>{2, 3, 9}), 1}};
  const std::string box_svg = box_plot_svg(boxes, {"Latency", "ms"});
  EXPECT_EQ(count_of(box_svg, "<rect class=\"box\""), 2u);
  EXPECT_EQ(count_of(box_svg, "<line class=\"median\""), 2u);
  EXPECT_EQ(count_of(box_svg, "<svg"), 1u);
  EXPECT_EQ(count_of(box_svg, "</svg>"), 1u);
  const std::vector<BarRow> bars{{"a", 2.0, 1.5, 2.5, "2 ms", "", 0}, {"b", 4.0, {}, {}, "4 ms", "", 1}};
  const std::string bar_svg = bar_chart_svg(bars, {"Median", "ms"}, 1.0);
  EXPECT_EQ(count_of(bar_svg, "<rect class=\"bar\""), 2u);
  EXPECT_EQ(count_of(bar_svg, "class=\"whisker\""), 3u);  // the one spread: a line and two caps
  EXPECT_EQ(count_of(bar_svg, "class=\"reference\""), 1u);
}

TEST(SvgCharts, FarOutliersAreMarkedAtTheAxisEndInsteadOfSquashingTheBox) {
  std::vector<double> samples;
  for (int i = 0; i < 50; ++i) samples.push_back(1.0 + 0.01 * (i % 10));
  samples.push_back(1.16);   // an outlier (fence 1.145) within one whisker span (1.18): drawn to scale
  samples.push_back(100.0);  // one run 100 times slower
  const std::string svg = box_plot_svg({{"a", box_stats(samples), 0}}, {"Latency", "ms"});
  EXPECT_EQ(count_of(svg, "<circle class=\"outlier\""), 1u);
  EXPECT_EQ(count_of(svg, "class=\"outlier offscale\""), 1u);
  EXPECT_EQ(svg.find(">100<"), std::string::npos);  // no tick anywhere near 100: the axis stays on the box
  EXPECT_NE(svg.find("2 outliers"), std::string::npos);
}

TEST(SvgCharts, BarLengthsAreProportionalToValues) {
  const std::vector<BarRow> bars{{"a", 2.0, {}, {}, "", "", 0}, {"b", 4.0, {}, {}, "", "", 1}};
  const std::string svg = bar_chart_svg(bars, {"t", "u"});
  const std::regex width("<rect class=\"bar\" x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"([0-9.]+)\"");
  std::vector<double> widths;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), width); it != std::sregex_iterator(); ++it) {
    widths.push_back(std::stod((*it)[1]));
  }
  ASSERT_EQ(widths.size(), 2u);
  EXPECT_GT(widths[0], 0);
  EXPECT_NEAR(widths[1] / widths[0], 2.0, 0.01);
}

TEST(HtmlReport, IsSelfContainedWithChartsForEveryRuntimeThatRan) {
  const std::string html = render_html(synthetic_report());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  EXPECT_NE(html.find("prefers-color-scheme: dark"), std::string::npos);
  // Nothing to fetch and nothing to run: no scripts, links, external images or CSS URLs.
  for (const char* forbidden : {"<script", "<link", "src=", "href=", "url(", "@import"}) {
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  }
  EXPECT_EQ(count_of(html, "<svg"), 4u);  // distribution, median, throughput, speed-up
  EXPECT_EQ(count_of(html, "</svg>"), 4u);
  EXPECT_EQ(count_of(html, "class=\"box-row"), 2u);  // the unavailable runtime has no box
  EXPECT_NE(html.find("no CUDA device"), std::string::npos);
  EXPECT_NE(html.find("2.00x"), std::string::npos);  // fast against the onnx baseline
  EXPECT_NE(html.find("Synthetic CPU"), std::string::npos);
  EXPECT_NE(html.find("runtime_versions.onnx"), std::string::npos);
  EXPECT_NE(html.find("id=\"accuracy\""), std::string::npos);
  EXPECT_NE(html.find("probs"), std::string::npos);
}

TEST(HtmlReport, HostileNamesAreEscapedEverywhere) {
  BenchmarkReport report = synthetic_report();
  report.model = "<script>alert(1)</script>.onnx";
  report.results[0].runtime = "\"><img src=x onerror=alert(2)>";
  report.results[2].error = "</td><script>alert(3)</script>";
  report.environment["cpu"] = "<b onmouseover='alert(4)'>cpu</b>";
  report.config["inputs"][0]["name"] = "<iframe>";
  const std::string html = render_html(report);
  for (const char* raw : {"<script", "<img", "<iframe", "<b ", "onerror=alert(2)>", "'alert(4)'"}) {
    EXPECT_EQ(html.find(raw), std::string::npos) << raw;
  }
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;.onnx"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b onmouseover=&#39;alert(4)&#39;&gt;"), std::string::npos);
}

TEST(HtmlReport, FileWithoutSamplesSaysThereIsNoDistribution) {
  BenchmarkReport report = synthetic_report();
  for (auto& r : report.results) r.samples_ms.clear();
  const std::string html = render_html(report);
  EXPECT_NE(html.find("No per-iteration latencies"), std::string::npos);
  EXPECT_EQ(count_of(html, "class=\"box-row"), 0u);
  EXPECT_EQ(count_of(html, "<svg"), 3u);
}

TEST(HtmlReport, FailedCheckShowsAndGetsNoSpeedup) {
  BenchmarkReport report = synthetic_report();
  report.results[1].accuracy->passed = false;
  report.results[1].accuracy->outputs[0].passed = false;
  const std::string html = render_html(report);
  EXPECT_NE(html.find("<td class=\"fail\">FAIL</td>"), std::string::npos);
  EXPECT_NE(html.find("latency not comparable"), std::string::npos);
  EXPECT_EQ(html.find("2.00x"), std::string::npos);
}

}  // namespace
}  // namespace inferfoundry

namespace inferfoundry {
namespace {

// Markdown shares the HTML report's duty: names from the file must not turn into markup in a pull request.
TEST(MarkdownReport, HostileNamesStayText) {
  BenchmarkReport report = synthetic_report();
  report.model = "a`b<img src=x>.onnx";
  report.results[0].runtime = "<img src=x onerror=alert(1)>|x";
  const std::string md = render_markdown(report);
  EXPECT_NE(md.find("`` a`b<img src=x>.onnx ``"), std::string::npos) << md;  // a code span shows markup as text
  EXPECT_NE(md.find("&lt;img src=x onerror=alert(1)&gt;\\|x"), std::string::npos) << md;  // entities: no tag
  EXPECT_EQ(md.find("| <img"), std::string::npos);
}

TEST(MarkdownReport, WarnsAboutUnstableAndUncomparableRuntimes) {
  BenchmarkReport report = synthetic_report();
  report.results[1].accuracy->passed = false;
  const std::string md = render_markdown(report);
  EXPECT_NE(md.find("- **Warning:** onnx latencies vary by"), std::string::npos) << md;  // the outlier makes cv > 5%
  EXPECT_NE(md.find("- **Note:** fast: outputs differ from onnx"), std::string::npos) << md;
}

TEST(ComparisonReport, TwoRunsGiveOneRowPerRuntimeAndTheGateLine) {
  BenchmarkReport old_run = synthetic_report(), new_run = synthetic_report();
  for (double& s : new_run.results[0].samples_ms) s *= 1.5;
  new_run.results[0].latency = summarize(new_run.results[0].samples_ms);
  const RunHistory history = compare_history({{"old.json", old_run}, {"new.json", new_run}}, 0.05);
  const std::string text = render_comparison_text(history);
  EXPECT_NE(text.find("old.json -> new.json"), std::string::npos) << text;
  EXPECT_NE(text.find("+50.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("slower"), std::string::npos);
  EXPECT_NE(text.find("tensorrt: unavailable in the old run"), std::string::npos) << text;
  EXPECT_NE(text.find("REGRESSION past 5% in new.json against old.json: onnx +50.0%"), std::string::npos) << text;
  const std::string md = render_comparison_markdown(history);
  EXPECT_NE(md.find("| runtime | old median ms |"), std::string::npos) << md;
  EXPECT_NE(md.find("|---|---:|---:|---:|---:|---:|---|"), std::string::npos) << md;
  EXPECT_NE(md.find("**REGRESSION past 5%"), std::string::npos) << md;
}

}  // namespace
}  // namespace inferfoundry
