// `inferfoundry report`: render a saved results file, or compare several of them.
//   report --path results.json [--format text|markdown|json|html] [-o FILE]
//   report --compare old.json new.json [more.json...] [--threshold 5%] [--format text|markdown] [-o FILE]
// With --compare the exit status is 6 (exit_code::kCheckFailed) when the newest file regressed against the
// first past the threshold, so CI pipelines can gate on it (docs/reports.md).
#include <filesystem>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/checked_math.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/json_text.h"
#include "core/terminal_text.h"
#include "report/json_format.h"
#include "report/regression.h"
#include "report/reporters.h"

namespace inferfoundry::cli {
namespace {

class ReportCommand : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    auto* cmd = app.add_subcommand("report", "Render a results file (text, markdown, JSON or HTML), or compare runs");
    auto* path =
        cmd->add_option("--path,-p", path_, "Results JSON written by `benchmark --output`")->check(non_empty_path());
    auto* compare = cmd->add_option("--compare", compare_paths_,
                                    "Compare results files, oldest first: the first is the baseline; exit 6 when the "
                                    "last regressed past --threshold")
                        ->expected(2, -1);
    path->excludes(compare);
    threshold_option_ = cmd->add_option("--threshold", threshold_,
                                        "With --compare: smallest change of the median that counts, in percent")
                            ->capture_default_str();
    cmd->add_option("--format,-f", format_, "text, markdown, json or html (--compare: text or markdown)")
        ->check(CLI::IsMember({"text", "markdown", "json", "html"}))
        ->capture_default_str();
    cmd->add_option("--output,-o", output_, "Write the report to this file (atomically) instead of standard output")
        ->check(non_empty_path());
    return cmd;
  }

  int run(const RuntimeRegistry&) override {
    if (path_.empty() && compare_paths_.empty())
      fail(ErrorKind::kUsage, "report needs --path FILE or --compare FILE FILE...");
    if (compare_paths_.empty() && threshold_option_->count() > 0)
      fail(ErrorKind::kUsage, "--threshold needs --compare");
    if (!output_.empty()) check_writable(output_);
    return compare_paths_.empty() ? render_one() : compare();
  }

 private:
  int render_one() const {
    const BenchmarkReport report = load_report(path_);
    std::string text;
    if (format_ == "markdown")
      text = render_markdown(report);
    else if (format_ == "json")
      text = dump_json(report_to_json(report)) + "\n";
    else if (format_ == "html")
      text = render_html(report);
    else
      text = render_text(report);
    emit(text);
    return exit_code::kOk;
  }

  int compare() const {
    if (format_ != "text" && format_ != "markdown") {
      fail(ErrorKind::kUsage, "--compare renders text or markdown, not {}", format_);
    }
    const double threshold = parse_threshold(threshold_);
    std::vector<LabeledReport> runs;
    for (const auto& path : compare_paths_) {
      announce_if_large(path);
      runs.push_back({path, load_report(path)});
    }
    const RunHistory history = compare_history(std::move(runs), threshold);
    emit(format_ == "markdown" ? render_comparison_markdown(history) : render_comparison_text(history));
    if (!history.has_regression()) return exit_code::kOk;
    if (!output_.empty())
      fmt::print(stderr, "inferfoundry: regression past the {} threshold (see {})\n", threshold_, output_);
    return exit_code::kCheckFailed;
  }

  // Reading and comparing a results file of millions of samples takes seconds: say so on stderr, so a
  // silent terminal does not look like a hang (the comparison itself is capped, docs/reports.md).
  static void announce_if_large(const std::string& path) {
    constexpr uintmax_t kLarge = uintmax_t{16} << 20;
    std::error_code ec;
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size >= kLarge)
      fmt::print(stderr, "inferfoundry: reading {} ({})\n", terminal_text(path), format_bytes(size));
  }

  void emit(const std::string& text) const {
    if (output_.empty())
      fmt::print("{}", text);
    else
      write_file_atomically(output_, text);
  }

  std::string path_;
  std::vector<std::string> compare_paths_;
  std::string threshold_ = "5%";
  std::string format_ = "text";
  std::string output_;
  CLI::Option* threshold_option_ = nullptr;
};

}  // namespace

std::unique_ptr<Command> make_report_command() { return std::make_unique<ReportCommand>(); }

}  // namespace inferfoundry::cli
