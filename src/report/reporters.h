#pragma once
#include <string>

#include "bench/result.h"
#include "report/regression.h"

namespace inferfoundry {

// Renderers of a benchmark report. Each only formats: the numbers come from the report as saved.
std::string render_text(const BenchmarkReport& report);      // the console table with banner and warnings
std::string render_markdown(const BenchmarkReport& report);  // a GitHub-flavoured table for PRs and READMEs
// One self-contained HTML page: tables, inline SVG charts, accuracy and environment; light and dark mode.
std::string render_html(const BenchmarkReport& report);

// Renderers of compared runs (report/regression.h). Two runs give the per-runtime change with its interval;
// three or more give a history table against the first.
std::string render_comparison_text(const RunHistory& history);
std::string render_comparison_markdown(const RunHistory& history);

}  // namespace inferfoundry
