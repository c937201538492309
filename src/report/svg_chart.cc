#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "bench/statistics.h"

namespace inferfoundry {
namespace {

// Geometry of every chart, in SVG user units; the SVG scales to the page width.
constexpr double kWidth = 820;
constexpr double kLabelRight = 168;  // runtime names end here, right-aligned
constexpr double kPlotLeft = 178;
constexpr double kPlotRight = 700;  // the value text sits to the right of the plot
constexpr double kTitleHeight = 30;
constexpr double kRowHeight = 34;
constexpr double kAxisHeight = 46;
constexpr size_t kMaxLabelChars = 22;
constexpr size_t kMaxOutliersDrawn = 200;

// Maps a value to x within the plot area.
struct XMap {
  AxisScale scale;
  double operator()(double value) const {
    const double span = scale.max - scale.min;
    const double fraction = span > 0 ? (value - scale.min) / span : 0.5;
    return kPlotLeft + std::clamp(fraction, 0.0, 1.0) * (kPlotRight - kPlotLeft);
  }
};

double row_center(size_t row) { return kTitleHeight + (static_cast<double>(row) + 0.5) * kRowHeight; }
double plot_bottom(size_t rows) { return kTitleHeight + static_cast<double>(rows) * kRowHeight; }

// Shortens long names on a UTF-8 character boundary; the full name stays in the tooltip.
std::string short_label(const std::string& label) {
  size_t chars = 0;
  for (size_t i = 0; i < label.size(); ++i) {
    if ((static_cast<unsigned char>(label[i]) & 0xC0) == 0x80) continue;
    if (++chars > kMaxLabelChars) return label.substr(0, i) + "\u2026";
  }
  return label;
}

double nice_step(double rough) {
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  const double fraction = rough / power;
  const double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

// Enough decimals to tell neighbouring ticks apart, and no more.
std::string tick_label(double value, double step) {
  int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  if (std::abs(step / std::pow(10.0, std::floor(std::log10(step))) - 2.5) < 1e-9) ++decimals;
  if (std::abs(value) < step * 1e-6) value = 0;
  return fmt::format("{:.{}f}", value, decimals);
}

std::string svg_open(size_t rows, const ChartText& text) {
  const double height = plot_bottom(rows) + kAxisHeight;
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" "
      "aria-label=\"{}\">\n<title>{}</title>\n<text class=\"chart-title\" x=\"{}\" y=\"20\">{}</text>\n",
      kWidth, height, escape_html(text.title), escape_html(text.title), kPlotLeft, escape_html(text.title));
}

std::string x_axis(const XMap& x, size_t rows, const std::string& axis_label) {
  const double top = kTitleHeight - 4, bottom = plot_bottom(rows);
  const double step = x.scale.ticks.size() > 1 ? x.scale.ticks[1] - x.scale.ticks[0] : 1;
  std::string out = "<g class=\"axis\">\n";
  for (double tick : x.scale.ticks) {
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>"
        "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        x(tick), top, bottom + 4, bottom + 18, tick_label(tick, step));
  }
  out += fmt::format("<line class=\"axis-line\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", kPlotLeft, bottom,
                     kPlotRight, bottom);
  out += fmt::format("<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n</g>\n",
                     (kPlotLeft + kPlotRight) / 2, bottom + 38, escape_html(axis_label));
  return out;
}

std::string row_label(size_t row, const std::string& label) {
  return fmt::format("<text class=\"label\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", kLabelRight,
                     row_center(row) + 4, escape_html(short_label(label)));
}

std::string whisker(double x1, double x2, double y, double cap) {
  return fmt::format(
      "<line class=\"whisker\" x1=\"{0:.1f}\" y1=\"{2:.1f}\" x2=\"{1:.1f}\" y2=\"{2:.1f}\"/>"
      "<line class=\"whisker\" x1=\"{0:.1f}\" y1=\"{3:.1f}\" x2=\"{0:.1f}\" y2=\"{4:.1f}\"/>"
      "<line class=\"whisker\" x1=\"{1:.1f}\" y1=\"{3:.1f}\" x2=\"{1:.1f}\" y2=\"{4:.1f}\"/>",
      x1, x2, y, y - cap, y + cap);
}

// At most kMaxOutliersDrawn, picked evenly through the sorted outliers so both extremes stay visible.
std::vector<double> drawn_outliers(const std::vector<double>& outliers) {
  if (outliers.size() <= kMaxOutliersDrawn) return outliers;
  std::vector<double> picked;
  for (size_t i = 0; i < kMaxOutliersDrawn; ++i) {
    picked.push_back(outliers[i * (outliers.size() - 1) / (kMaxOutliersDrawn - 1)]);
  }
  return picked;
}

std::string box_row(size_t row, const BoxPlotRow& data, const XMap& x) {
  const BoxStats& b = data.box;
  const double y = row_center(row), half = kRowHeight * 0.3;
  std::string out = fmt::format(
      "<g class=\"box-row series-{}\"><title>{}: median {} ms, quartiles {} to {} ms, whiskers {} to {} ms, "
      "{} runs, {} outliers</title>\n",
      data.series % 8, escape_html(data.label), format_number(b.median), format_number(b.q1), format_number(b.q3),
      format_number(b.whisker_low), format_number(b.whisker_high), b.count, b.outliers.size());
  out += whisker(x(b.whisker_low), x(b.whisker_high), y, half * 0.6);
  out += fmt::format("\n<rect class=\"box\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>\n", x(b.q1),
                     y - half, std::max(1.0, x(b.q3) - x(b.q1)), 2 * half);
  out += fmt::format("<line class=\"median\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n",
                     x(b.median), y - half, y + half);
  for (double value : drawn_outliers(b.outliers)) {
    if (value > x.scale.max) {  // off the axis: a triangle at its right end
      const double edge = kPlotRight;
      out += fmt::format("<path class=\"outlier offscale\" d=\"M{:.1f} {:.1f}l6 4l-6 4z\"/>", edge, y - 4);
    } else if (value < x.scale.min) {
      out += fmt::format("<path class=\"outlier offscale\" d=\"M{:.1f} {:.1f}l-6 4l6 4z\"/>", kPlotLeft, y - 4);
    } else {
      out += fmt::format("<circle class=\"outlier\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2\"/>", x(value), y);
    }
  }
  out += fmt::format("</g>\n<text class=\"value\" x=\"{}\" y=\"{:.1f}\">{} ms</text>\n", kPlotRight + 14, y + 4,
                     format_number(b.median));
  return out + row_label(row, data.label);
}

std::string bar_row(size_t row, const BarRow& data, const XMap& x) {
  const double y = row_center(row), half = kRowHeight * 0.3;
  std::string out = fmt::format("<g class=\"bar-row series-{}\"><title>{}</title>\n", data.series % 8,
                                escape_html(data.tooltip.empty() ? data.label : data.tooltip));
  out += fmt::format("<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>\n", x(0),
                     y - half, std::max(0.0, x(data.value) - x(0)), 2 * half);
  if (data.spread_low && data.spread_high) {
    out += whisker(x(*data.spread_low), x(*data.spread_high), y, half * 0.6) + "\n";
  }
  out += fmt::format("</g>\n<text class=\"value\" x=\"{}\" y=\"{:.1f}\">{}</text>\n", kPlotRight + 14, y + 4,
                     escape_html(data.value_text));
  return out + row_label(row, data.label);
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

AxisScale nice_scale(double low, double high, int target_ticks) {
  AxisScale scale;
  if (!std::isfinite(low) || !std::isfinite(high)) low = 0, high = 1;
  if (high < low) std::swap(low, high);
  if (high - low < 1e-12 * std::max(1.0, std::abs(high))) {
    const double pad = low != 0 ? std::abs(low) * 0.1 : 1;
    low -= pad, high += pad;
  }
  const double step = nice_step((high - low) / std::max(1, target_ticks - 1));
  scale.min = std::floor(low / step) * step;
  scale.max = std::ceil(high / step) * step;
  for (double tick = scale.min; tick <= scale.max + step * 1e-9; tick += step) scale.ticks.push_back(tick);
  return scale;
}

BoxStats box_stats(std::span<const double> samples) {
  BoxStats b;
  if (samples.empty()) return b;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  b.count = sorted.size();
  b.q1 = percentile_of(sorted, 25);
  b.median = percentile_of(sorted, 50);
  b.q3 = percentile_of(sorted, 75);
  const double fence = 1.5 * (b.q3 - b.q1);
  b.whisker_low = b.q1, b.whisker_high = b.q3;
  for (double v : sorted) {
    if (v < b.q1 - fence || v > b.q3 + fence) {
      b.outliers.push_back(v);
    } else {
      b.whisker_low = std::min(b.whisker_low, v);
      b.whisker_high = std::max(b.whisker_high, v);
    }
  }
  return b;
}

// The axis covers every whisker and the outliers within one whisker span beyond them; a few runs that took
// 100 times the median (a page fault, a preempted thread) would otherwise squash every box to a line.
AxisScale box_axis(const std::vector<BoxPlotRow>& rows) {
  double low = INFINITY, high = -INFINITY;
  for (const auto& row : rows) {
    low = std::min(low, row.box.whisker_low);
    high = std::max(high, row.box.whisker_high);
  }
  const double reach = std::max(high - low, std::abs(high) * 0.05);
  double shown_low = low, shown_high = high;
  for (const auto& row : rows) {
    for (double v : row.box.outliers) {
      if (v >= low - reach) shown_low = std::min(shown_low, v);
      if (v <= high + reach) shown_high = std::max(shown_high, v);
    }
  }
  return nice_scale(shown_low, shown_high);
}

std::string box_plot_svg(const std::vector<BoxPlotRow>& rows, const ChartText& text) {
  const XMap x{box_axis(rows)};
  std::string out = svg_open(rows.size(), text) + x_axis(x, rows.size(), text.axis_label);
  for (size_t i = 0; i < rows.size(); ++i) out += box_row(i, rows[i], x);
  return out + "</svg>\n";
}

std::string bar_chart_svg(const std::vector<BarRow>& rows, const ChartText& text,
                          std::optional<double> reference_line) {
  double high = reference_line.value_or(0);
  for (const auto& row : rows) high = std::max({high, row.value, row.spread_high.value_or(0)});
  const XMap x{nice_scale(0, high > 0 ? high : 1)};
  std::string out = svg_open(rows.size(), text) + x_axis(x, rows.size(), text.axis_label);
  for (size_t i = 0; i < rows.size(); ++i) out += bar_row(i, rows[i], x);
  if (reference_line) {
    out += fmt::format("<line class=\"reference\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>\n",
                       x(*reference_line), kTitleHeight - 4, plot_bottom(rows.size()));
  }
  return out + "</svg>\n";
}

std::string format_number(double value) {
  const double magnitude = std::abs(value);
  if (!std::isfinite(value)) return "n/a";
  if (magnitude >= 1000) return fmt::format("{:.0f}", value);
  if (magnitude >= 100) return fmt::format("{:.1f}", value);
  if (magnitude >= 10) return fmt::format("{:.2f}", value);
  if (magnitude >= 1) return fmt::format("{:.3f}", value);
  if (magnitude == 0) return "0";
  return fmt::format("{:.4g}", value);
}

}  // namespace inferfoundry
