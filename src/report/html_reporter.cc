// The HTML report: one self-contained file. Charts are inline SVG drawn here, styles are inline, and a
// Content-Security-Policy forbids scripts and every network load, so the page renders offline and a string
// that escaped escaping still could not run. Every string from the results file goes through escape_html.
#include <fmt/format.h>

#include "bench/statistics.h"
#include "core/error.h"
#include "core/json_text.h"
#include "core/version.h"
#include "report/comparison.h"
#include "report/reporters.h"
#include "report/svg_chart.h"

namespace inferfoundry {
namespace {
using nlohmann::json;

constexpr std::string_view kStyle = R"css(
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --border: #d0d7de;
  --panel: #f6f8fa; --grid: #e4e8ec; --good: #1a7f37; --bad: #cf222e; --warn-bg: #fff8c5; --warn-border: #d4a72c;
  --s0: #0969da; --s1: #bc4c00; --s2: #1a7f37; --s3: #8250df; --s4: #bf3989; --s5: #0a7f85; --s6: #9a6700; --s7: #57606a; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --border: #30363d; --panel: #161b22; --grid: #262c33;
    --good: #3fb950; --bad: #f85149; --warn-bg: #2d2406; --warn-border: #9e6a03;
    --s0: #58a6ff; --s1: #f0883e; --s2: #56d364; --s3: #bc8cff; --s4: #ff7bbf; --s5: #39c5cf; --s6: #e3b341; --s7: #a5aeb8; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.5em; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 1.15em; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
p.sub, .note, footer { color: var(--muted); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.92em; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 6px 0; font-size: 0.9em; }
th { white-space: nowrap; }
td:first-child { white-space: nowrap; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.pass { color: var(--good); font-weight: 600; }
td.fail { color: var(--bad); font-weight: 600; }
tr.baseline td:first-child::after { content: " (baseline)"; color: var(--muted); font-weight: normal; }
.warnings { background: var(--warn-bg); border: 1px solid var(--warn-border); border-radius: 6px; padding: 8px 14px; margin: 12px 0; }
.warnings p { margin: 4px 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
figure { margin: 14px 0 22px; }
figcaption { color: var(--muted); font-size: 0.9em; margin-top: 2px; }
svg.chart { width: 100%; height: auto; display: block; font-size: 13px; }
svg.chart text { fill: var(--fg); }
svg.chart .chart-title { font-weight: 600; font-size: 14px; }
svg.chart .tick, svg.chart .axis-label { fill: var(--muted); font-size: 12px; }
svg.chart .grid { stroke: var(--grid); stroke-width: 1; }
svg.chart .axis-line { stroke: var(--muted); stroke-width: 1; }
svg.chart .whisker { stroke: var(--fg); stroke-width: 1.3; }
svg.chart .box { fill-opacity: 0.35; stroke-width: 1.5; }
svg.chart .median { stroke: var(--fg); stroke-width: 2.5; }
svg.chart .outlier { fill-opacity: 0.55; }
svg.chart .bar { fill-opacity: 0.85; }
svg.chart .reference { stroke: var(--muted); stroke-width: 1.5; stroke-dasharray: 5 4; }
dl.env { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 6px 0; }
dl.env dt { color: var(--muted); }
dl.env dd { margin: 0; overflow-wrap: anywhere; }
)css";

std::string series_css() {
  std::string css;
  for (int i = 0; i < 8; ++i) {
    css += fmt::format(
        ".series-{0} .box, .series-{0} .bar, .series-{0} .outlier {{ fill: var(--s{0}); stroke: var(--s{0}); }}\n"
        ".swatch.series-{0} {{ background: var(--s{0}); }}\n",
        i);
  }
  return css;
}

// A runtime's colour follows its position in the results file, so it is the same in every chart.
int series_of(const BenchmarkReport& report, const RuntimeResult& result) {
  return static_cast<int>(&result - report.results.data());
}

std::string head(const BenchmarkReport& report) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"InferFoundry {}\">\n<title>InferFoundry benchmark: {}</title>\n"
      "<style>{}{}</style>\n</head>\n",
      kVersion, escape_html(report.model), kStyle, series_css());
}

std::string header(const BenchmarkReport& report) {
  std::string out =
      fmt::format("<header>\n<h1>InferFoundry benchmark: <code>{}</code></h1>\n", escape_html(report.model));
  std::vector<std::string> facts;
  const std::string inputs = describe_inputs(report);
  if (!inputs.empty()) facts.push_back("inputs " + escape_html(inputs));
  if (report.environment.contains("cpu"))
    facts.push_back("host CPU " + escape_html(text_field(report.environment, "cpu", "?")));
  if (report.environment.contains("timestamp_utc")) {
    facts.push_back("measured " + escape_html(text_field(report.environment, "timestamp_utc", "")));
  }
  out += "<p class=\"sub\">" + fmt::format("{}", fmt::join(facts, " &middot; ")) + "</p>\n</header>\n";
  return out;
}

std::string warnings(const std::vector<ComparisonRow>& rows) {
  std::string items;
  for (const auto& row : rows) {
    const RuntimeResult& r = *row.result;
    if (r.unstable()) {
      items += fmt::format(
          "<p><strong>{}</strong>: latencies vary by {:.1f}% (cv over {:.0f}%); the figures may not be "
          "trustworthy (other load, frequency scaling, too few iterations).</p>\n",
          escape_html(r.runtime), r.latency.cv * 100, kUnstableCv * 100);
    }
    if (r.status == RunStatus::kOk && !r.comparable()) {
      items += fmt::format("<p><strong>{}</strong>: {}</p>\n", escape_html(r.runtime), escape_html(row.note));
    }
  }
  return items.empty() ? "" : "<section class=\"warnings\" aria-label=\"warnings\">\n" + items + "</section>\n";
}

std::string number_cell(double value) { return "<td class=\"num\">" + format_number(value) + "</td>"; }

std::string check_cell(const RuntimeResult& r) {
  if (!r.accuracy) return "<td>-</td>";
  return r.accuracy->passed ? "<td class=\"pass\">pass</td>" : "<td class=\"fail\">FAIL</td>";
}

std::string speedup_cell(const ComparisonRow& row) {
  if (!row.speedup) return "<td class=\"num\" title=\"" + escape_html(row.note) + "\">-</td>";
  return fmt::format("<td class=\"num\">{:.2f}x</td>", *row.speedup);
}

std::string result_row(const BenchmarkReport& report, const ComparisonRow& row) {
  const RuntimeResult& r = *row.result;
  const std::string name = fmt::format("<td><span class=\"swatch series-{}\"></span>{}</td>", series_of(report, r) % 8,
                                       escape_html(r.runtime));
  if (r.status != RunStatus::kOk) {
    return fmt::format("<tr>{}<td>{}</td><td colspan=\"10\">{}</td></tr>\n", name, status_name(r.status),
                       escape_html(r.error));
  }
  const std::string device = r.device ? number_cell(r.device->median) : "<td class=\"num\">-</td>";
  return fmt::format(
      "<tr{}>{}<td>ok</td>{}{}{}{}<td class=\"num\">{:.1f}%</td><td class=\"num\">{:.1f}</td>{}"
      "<td class=\"num\">{}</td>{}{}</tr>\n",
      row.is_baseline ? " class=\"baseline\"" : "", name, number_cell(r.latency.median), number_cell(r.latency.mean),
      number_cell(r.latency.p90), number_cell(r.latency.p99), r.latency.cv * 100, r.throughput_per_s, device,
      r.latency.count, check_cell(r), speedup_cell(row));
}

std::string results_table(const BenchmarkReport& report, const std::vector<ComparisonRow>& rows) {
  std::string out =
      "<h2 id=\"results\">Results</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>runtime</th><th>status</th>"
      "<th class=\"num\">median ms</th><th class=\"num\">mean ms</th><th class=\"num\">p90 ms</th>"
      "<th class=\"num\">p99 ms</th><th class=\"num\">cv</th><th class=\"num\">runs/s</th>"
      "<th class=\"num\">device ms</th><th class=\"num\">iterations</th><th>check</th><th class=\"num\">speed-up</th>"
      "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) out += result_row(report, row);
  out +=
      "</tbody></table></div>\n<p class=\"note\">Host-clock latency per run; speed-up is the baseline's median "
      "divided by the runtime's median, shown only where both ran and passed the output check.</p>\n";
  return out;
}

std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure>\n" + svg + "<figcaption>" + caption + "</figcaption>\n</figure>\n";
}

std::string distribution_chart(const BenchmarkReport& report, const std::vector<ComparisonRow>& rows) {
  std::vector<BoxPlotRow> boxes;
  for (const auto& row : rows) {
    const RuntimeResult& r = *row.result;
    if (r.status != RunStatus::kOk || r.samples_ms.empty()) continue;
    boxes.push_back({r.runtime, box_stats(r.samples_ms), series_of(report, r)});
  }
  if (boxes.empty()) return "<p class=\"note\">No per-iteration latencies in this file: no distribution chart.</p>\n";
  return figure(
      box_plot_svg(boxes, {"Latency distribution over the timed iterations", "latency per run (ms)"}),
      "Box: quartiles with the median as a line; whiskers: the most extreme runs within 1.5 IQR of the box; "
      "dots: runs beyond them; triangles at an end of the axis: runs too far out to draw to scale (the tooltip "
      "counts all outliers). The axis does not start at zero.");
}

BarRow latency_bar(const BenchmarkReport& report, const RuntimeResult& r) {
  BarRow bar{r.runtime, r.latency.median, {}, {}, format_number(r.latency.median) + " ms", {}, series_of(report, r)};
  bar.tooltip = fmt::format("{}: median {} ms", r.runtime, format_number(r.latency.median));
  if (!r.samples_ms.empty()) {
    bar.spread_low = percentile_of(r.samples_ms, 10);
    bar.spread_high = percentile_of(r.samples_ms, 90);
    bar.tooltip +=
        fmt::format(", p10 {} ms, p90 {} ms", format_number(*bar.spread_low), format_number(*bar.spread_high));
  }
  return bar;
}

// Whiskers: the single-run rate 1000 / latency at the p90 and p10 latencies of the recorded runs.
BarRow throughput_bar(const BenchmarkReport& report, const RuntimeResult& r) {
  BarRow bar{r.runtime, r.throughput_per_s,  {}, {}, format_number(r.throughput_per_s) + " /s",
             {},        series_of(report, r)};
  bar.tooltip = fmt::format("{}: {} runs/s over the timed wall time", r.runtime, format_number(r.throughput_per_s));
  const double p10 = r.samples_ms.empty() ? 0 : percentile_of(r.samples_ms, 10);
  const double p90 = r.samples_ms.empty() ? 0 : percentile_of(r.samples_ms, 90);
  if (p10 > 0 && p90 > 0) {
    bar.spread_low = 1000 / p90;
    bar.spread_high = 1000 / p10;
    bar.tooltip +=
        fmt::format("; single-run rate {} to {} /s", format_number(*bar.spread_low), format_number(*bar.spread_high));
  }
  return bar;
}

std::string summary_charts(const BenchmarkReport& report, const std::vector<ComparisonRow>& rows) {
  std::vector<BarRow> latency, throughput, speedup;
  for (const auto& row : rows) {
    const RuntimeResult& r = *row.result;
    if (r.status != RunStatus::kOk) continue;
    latency.push_back(latency_bar(report, r));
    throughput.push_back(throughput_bar(report, r));
    if (row.speedup) {
      speedup.push_back({r.runtime,
                         *row.speedup,
                         {},
                         {},
                         fmt::format("{:.2f}x", *row.speedup),
                         fmt::format("{}: {:.2f}x the baseline's speed", r.runtime, *row.speedup),
                         series_of(report, r)});
    }
  }
  if (latency.empty()) return "";
  std::string out = figure(bar_chart_svg(latency, {"Median latency", "milliseconds per run (lower is better)"}),
                           "Bars: median latency; whiskers: 10th to 90th percentile of the recorded runs.");
  out += figure(bar_chart_svg(throughput, {"Throughput", "runs per second (higher is better)"}),
                "Bars: timed runs per second of wall time; whiskers: single-run rate 1000 / latency at the 90th and "
                "10th percentile latency.");
  if (!speedup.empty()) {
    out += figure(
        bar_chart_svg(speedup, {"Speed-up against the baseline", "times the baseline's speed (higher is better)"}, 1.0),
        "Baseline median divided by each runtime's median; the dashed line marks 1.0x.");
  }
  return out;
}

std::string accuracy_rows(const RuntimeResult& r) {
  const AccuracyVerdict& v = *r.accuracy;
  std::string out;
  for (const auto& o : v.outputs) {
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{} / {}</td><td class=\"num\">{:.6f}</td>{}<td>{}</td></tr>\n",
        escape_html(r.runtime), escape_html(v.reference), escape_html(o.name), format_number(o.max_abs_error),
        format_number(o.max_rel_error), o.mismatches, o.elements, o.cosine_similarity,
        o.passed ? "<td class=\"pass\">pass</td>" : "<td class=\"fail\">FAIL</td>", escape_html(o.note));
  }
  if (v.outputs.empty()) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td colspan=\"5\"></td>{}<td></td></tr>\n", escape_html(r.runtime),
                       escape_html(v.reference),
                       v.passed ? "<td class=\"pass\">pass</td>" : "<td class=\"fail\">FAIL</td>");
  }
  return out;
}

std::string accuracy_section(const BenchmarkReport& report) {
  std::string rows;
  std::string tolerances;
  for (const auto& r : report.results) {
    if (r.status != RunStatus::kOk || !r.accuracy) continue;
    rows += accuracy_rows(r);
    tolerances += fmt::format("<li>{}: atol {}, rtol {}</li>", escape_html(r.runtime), format_number(r.accuracy->atol),
                              format_number(r.accuracy->rtol));
  }
  std::string out = "<h2 id=\"accuracy\">Accuracy</h2>\n";
  if (rows.empty()) return out + "<p class=\"note\">No output checks recorded in this file.</p>\n";
  out +=
      "<div class=\"table-wrap\"><table>\n<thead><tr><th>runtime</th><th>reference</th><th>output</th>"
      "<th class=\"num\">max abs error</th><th class=\"num\">max rel error</th><th class=\"num\">mismatches</th>"
      "<th class=\"num\">cosine</th><th>verdict</th><th>note</th></tr></thead>\n<tbody>\n" +
      rows + "</tbody></table></div>\n";
  return out + "<p class=\"note\">Tolerances: </p><ul class=\"note\">" + tolerances + "</ul>\n";
}

// Flattens nested objects and arrays into "gpu.name" / "gpus[0].name" keys, in the file's order. The
// recursion is bounded like the parser (core/json_text.h), for blocks that did not come from a file.
void flatten(const json& value, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out,
             int depth = 0) {
  if ((value.is_object() || value.is_array()) && depth >= kMaxJsonDepth)
    fail(ErrorKind::kInput, "'{}' nests JSON deeper than {} levels", prefix, kMaxJsonDepth);
  if (value.is_object()) {
    for (const auto& [key, item] : value.items())
      flatten(item, prefix.empty() ? key : prefix + "." + key, out, depth + 1);
  } else if (value.is_array() && !value.empty() && (value.front().is_object() || value.front().is_array())) {
    for (size_t i = 0; i < value.size(); ++i) flatten(value[i], fmt::format("{}[{}]", prefix, i), out, depth + 1);
  } else if (value.is_string()) {
    out.emplace_back(prefix, value.get<std::string>());
  } else if (value.is_number_float()) {
    out.emplace_back(prefix, format_number(value.get<double>()));
  } else {
    out.emplace_back(prefix, value.dump());
  }
}

std::string key_values(const std::string& title, const std::string& id, const json& block) {
  std::vector<std::pair<std::string, std::string>> entries;
  flatten(block, "", entries);
  if (entries.empty()) return "";
  std::string out = fmt::format("<h2 id=\"{}\">{}</h2>\n<dl class=\"env\">\n", id, title);
  for (const auto& [key, value] : entries) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", escape_html(key), escape_html(value));
  }
  return out + "</dl>\n";
}

std::string runtime_versions(const BenchmarkReport& report) {
  json versions = json::object();
  for (const auto& r : report.results) {
    if (r.status == RunStatus::kOk && !r.version.empty()) versions[r.runtime] = r.version;
  }
  return versions.empty() ? "" : key_values("Runtime versions", "versions", versions);
}

}  // namespace

std::string render_html(const BenchmarkReport& report) {
  const auto rows = comparison_rows(report);
  std::string body = header(report) + warnings(rows) + results_table(report, rows);
  body += "<h2 id=\"charts\">Charts</h2>\n" + distribution_chart(report, rows) + summary_charts(report, rows);
  body += accuracy_section(report);
  body += key_values("Environment", "environment", report.environment) + runtime_versions(report);
  body += key_values("Configuration", "configuration", report.config);
  body += fmt::format(
      "<footer><p>Generated by InferFoundry {} from a saved results file. The figures are "
      "those the file records; the host they were measured on is listed under Environment.</p></footer>\n",
      kVersion);
  return head(report) + "<body>\n<main>\n" + body + "</main>\n</body>\n</html>\n";
}

}  // namespace inferfoundry
