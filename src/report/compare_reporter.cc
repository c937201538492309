// Text and markdown renderings of compared runs. Both are built from one table model so they always agree.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/terminal_text.h"
#include "report/comparison.h"
#include "report/markdown_text.h"
#include "report/reporters.h"
#include "report/svg_chart.h"

namespace inferfoundry {
namespace {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  size_t first_numeric = 1;   // columns from here on are right-aligned...
  bool last_is_text = false;  // ...except the last one when it holds words
  bool numeric(size_t column) const {
    return column >= first_numeric && !(last_is_text && column + 1 == header.size());
  }
};

std::string percent(double fraction) { return fmt::format("{:+.1f}%", fraction * 100); }

std::string interval_text(const RuntimeChange& c) {
  if (!c.interval) return "-";
  return fmt::format("[{}, {}]", percent(c.interval->low), percent(c.interval->high));
}

std::string p_value_text(const RuntimeChange& c) {
  if (!c.mann_whitney) return "-";
  return c.mann_whitney->p_value < 0.001 ? "<0.001" : fmt::format("{:.3f}", c.mann_whitney->p_value);
}

std::string median_text(const std::optional<double>& median) { return median ? format_number(*median) : "-"; }

Table change_table(const RunComparison& comparison) {
  Table table{{"runtime", "old median ms", "new median ms", "change", "95% CI of change", "Mann-Whitney p", "verdict"},
              {},
              1,
              true};
  for (const auto& c : comparison.changes) {
    table.rows.push_back({c.runtime, median_text(c.old_median_ms), median_text(c.new_median_ms),
                          c.point_change ? percent(*c.point_change) : "-", interval_text(c), p_value_text(c),
                          std::string(verdict_name(c.verdict))});
  }
  return table;
}

std::vector<std::string> runtimes_in_order(const RunHistory& history) {
  std::vector<std::string> names;
  for (const auto& run : history.runs) {
    for (const auto& r : run.report.results) {
      if (std::find(names.begin(), names.end(), r.runtime) == names.end()) names.push_back(r.runtime);
    }
  }
  return names;
}

const RuntimeChange* find_change(const RunComparison& comparison, const std::string& runtime) {
  for (const auto& c : comparison.changes) {
    if (c.runtime == runtime) return &c;
  }
  return nullptr;
}

std::string baseline_cell(const BenchmarkReport& report, const std::string& runtime) {
  for (const auto& r : report.results) {
    if (r.runtime != runtime) continue;
    return r.status == RunStatus::kOk ? format_number(r.latency.median) : std::string(status_name(r.status));
  }
  return "-";
}

std::string history_cell(const RuntimeChange* c) {
  if (!c) return "-";
  if (!c->new_median_ms) return std::string(verdict_name(c->verdict));
  if (!c->point_change) return format_number(*c->new_median_ms);
  return fmt::format("{} ({} {})", format_number(*c->new_median_ms), percent(*c->point_change),
                     verdict_name(c->verdict));
}

Table history_table(const RunHistory& history) {
  Table table{{"runtime"}, {}, 1};
  for (const auto& run : history.runs) table.header.push_back(run.label);
  std::vector<std::string> measured{"measured"};
  for (const auto& run : history.runs) measured.push_back(text_field(run.report.environment, "timestamp_utc", "-"));
  table.rows.push_back(measured);
  for (const auto& runtime : runtimes_in_order(history)) {
    std::vector<std::string> row{runtime, baseline_cell(history.runs[0].report, runtime)};
    for (const auto& comparison : history.against_first) row.push_back(history_cell(find_change(comparison, runtime)));
    table.rows.push_back(row);
  }
  return table;
}

// Cells quote runtime names, labels and timestamps from the files: their control bytes are escaped.
std::string as_text(Table table) {
  for (auto& row : table.rows) {
    for (auto& cell : row) cell = terminal_text(cell);
  }
  for (auto& cell : table.header) cell = terminal_text(cell);
  std::vector<size_t> widths(table.header.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  };
  widen(table.header);
  for (const auto& row : table.rows) widen(row);
  auto line = [&](const std::vector<std::string>& row) {
    std::string out;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      if (i > 0) out += "  ";
      out += table.numeric(i) ? fmt::format("{:>{}}", row[i], widths[i]) : fmt::format("{:<{}}", row[i], widths[i]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(table.header);
  for (const auto& row : table.rows) out += line(row);
  return out;
}

// Names from the files cannot break the table, start markup or carry HTML (report/markdown_text.h).
std::string markdown_cell(const std::string& text) { return markdown_text(text); }

std::string as_markdown(const Table& table) {
  std::string out = "|";
  for (const auto& cell : table.header) out += " " + markdown_cell(cell) + " |";
  out += "\n|";
  for (size_t i = 0; i < table.header.size(); ++i) out += table.numeric(i) ? "---:|" : "---|";
  out += "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (const auto& cell : row) out += " " + markdown_cell(cell) + " |";
    out += "\n";
  }
  return out;
}

// Warnings of every comparison (once each) and the notes of runtimes that were not compared or failed.
std::vector<std::string> notes(const RunHistory& history) {
  std::vector<std::string> lines;
  std::set<std::string> seen;
  for (size_t i = 0; i < history.against_first.size(); ++i) {
    const auto& comparison = history.against_first[i];
    for (const auto& warning : comparison.warnings) {
      if (seen.insert(warning).second) lines.push_back("warning: " + warning);
    }
    for (const auto& c : comparison.changes) {
      if (c.note.empty()) continue;
      const std::string line = fmt::format("{}: {}", c.runtime, c.note);
      if (seen.insert(line + history.runs[i + 1].label).second) {
        lines.push_back(history.runs.size() > 2 ? fmt::format("{} ({})", line, history.runs[i + 1].label) : line);
      }
    }
  }
  return lines;
}

std::string gate_line(const RunHistory& history) {
  const auto threshold = fmt::format("{:g}%", history.threshold * 100);
  if (!history.has_regression()) {
    return fmt::format("no regression past {} in {} against {}", threshold, history.runs.back().label,
                       history.runs[0].label);
  }
  std::vector<std::string> regressed;
  for (const auto& c : history.against_first.back().changes) {
    if (!c.regression()) continue;
    regressed.push_back(c.point_change && c.verdict == ChangeVerdict::kSlower
                            ? fmt::format("{} {}", c.runtime, percent(*c.point_change))
                            : fmt::format("{} {}", c.runtime, verdict_name(c.verdict)));
  }
  return fmt::format("REGRESSION past {} in {} against {}: {}", threshold, history.runs.back().label,
                     history.runs[0].label, fmt::join(regressed, ", "));
}

Table table_of(const RunHistory& history) {
  return history.runs.size() == 2 ? change_table(history.against_first[0]) : history_table(history);
}

std::string labels_text(const RunHistory& history) {
  std::vector<std::string> labels;
  for (const auto& run : history.runs) labels.push_back(run.label);
  return fmt::format("{}", fmt::join(labels, " -> "));
}

}  // namespace

std::string render_comparison_text(const RunHistory& history) {
  std::string out =
      fmt::format("InferFoundry comparison: {} (model {}; threshold {:g}%)\n", terminal_text(labels_text(history)),
                  terminal_text(history.runs.back().report.model), history.threshold * 100);
  out += as_text(table_of(history));
  for (const auto& line : notes(history)) out += terminal_text(line) + "\n";
  return out + terminal_text(gate_line(history)) + "\n";
}

std::string render_comparison_markdown(const RunHistory& history) {
  std::string out = fmt::format("### InferFoundry comparison: {}\n\nModel {}; threshold {:g}%.\n\n",
                                markdown_cell(labels_text(history)), markdown_cell(history.runs.back().report.model),
                                history.threshold * 100);
  out += as_markdown(table_of(history)) + "\n";
  for (const auto& line : notes(history)) out += "- " + markdown_cell(line) + "\n";
  return out + "\n**" + markdown_cell(gate_line(history)) + "**\n";
}

}  // namespace inferfoundry
