#pragma once
#include <string>

#include "bench/result.h"

namespace inferfoundry {

// Renderers of a benchmark report. Each only formats: the numbers come from the report as saved.
std::string render_text(const BenchmarkReport& report);      // the console table with banner and warnings
std::string render_markdown(const BenchmarkReport& report);  // a GitHub-flavoured table for PRs and READMEs

}  // namespace inferfoundry
