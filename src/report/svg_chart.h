#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace inferfoundry {

// Inline SVG charts for the HTML report, drawn in C++ so the page needs no script and no network.
// Colours come from CSS classes (.series-N, .axis, .grid...) that the page styles for light and dark mode.

// Escapes text for HTML and SVG, element content and quoted attributes alike (& < > " ').
std::string escape_html(std::string_view text);

// Axis range rounded out to "nice" numbers (1, 2, 2.5 or 5 times a power of ten) and its tick positions.
struct AxisScale {
  double min = 0, max = 1;
  std::vector<double> ticks;
};
AxisScale nice_scale(double low, double high, int target_ticks = 6);

// Tukey box: quartiles, whiskers at the most extreme values within 1.5 IQR of the box, outliers beyond.
struct BoxStats {
  double q1 = 0, median = 0, q3 = 0;
  double whisker_low = 0, whisker_high = 0;
  std::vector<double> outliers;  // sorted
  size_t count = 0;
};
// Empty samples give a zero BoxStats with count 0.
BoxStats box_stats(std::span<const double> samples);

struct BoxPlotRow {
  std::string label;
  BoxStats box;
  int series = 0;  // colour index
};

struct BarRow {
  std::string label;
  double value = 0;
  std::optional<double> spread_low, spread_high;  // whisker drawn across the bar end
  std::string value_text;                         // printed after the bar
  std::string tooltip;
  int series = 0;
};

struct ChartText {
  std::string title;       // aria-label and heading inside the SVG
  std::string axis_label;  // under the x axis, with the unit
};

// Horizontal box plots, one row per runtime, on a shared axis.
std::string box_plot_svg(const std::vector<BoxPlotRow>& rows, const ChartText& text);
// Horizontal bars from zero, with optional spread whiskers and an optional dashed reference line (like 1.0x).
std::string bar_chart_svg(const std::vector<BarRow>& rows, const ChartText& text,
                          std::optional<double> reference_line = std::nullopt);

// A number with about four significant digits and no exponent for the usual latency range: 0.01234, 12.35, 1235.
std::string format_number(double value);

}  // namespace inferfoundry
