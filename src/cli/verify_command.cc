// `inferfoundry verify`: run a folder of ONNX test cases (model.onnx + test_data_set_N/) on one runtime and
// say which pass, fail, are unsupported or error.
#include <unistd.h>

#include <cstdio>
#include <optional>

#include <fmt/format.h>

#include "bench/verify.h"
#include "cli/command.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/json_text.h"
#include "core/terminal_text.h"

namespace inferfoundry::cli {
namespace {

struct VerifyCliOptions {
  std::string runtime = "onnx";
  std::string suite;
  std::string filter;
  std::string json;
  std::optional<double> atol, rtol;
  int threads = 0;
  bool strict = false;
  bool verbose = false;
};

class VerifyCommand : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    auto* cmd = app.add_subcommand("verify", "Check a runtime against ONNX test cases (model.onnx + test_data_set_N/)");
    cmd->add_option("--runtime,-r", o_.runtime, "Runtime to verify")->capture_default_str();
    cmd->add_option("--suite,-s", o_.suite,
                    "Folder of test cases, searched recursively (e.g. /usr/share/libonnx-testdata/data)")
        ->required();
    cmd->add_option("--filter", o_.filter,
                    "Only cases whose name or folder matches this shell glob, like 'test_conv*'");
    cmd->add_option("--json", o_.json, "Write every case's result as JSON to this file")->check(non_empty_path());
    cmd->add_option("--atol", o_.atol,
                    "Absolute tolerance (default: ONNX backend tests, 1e-7 for floats, exact for integers)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--rtol", o_.rtol,
                    "Relative tolerance (default: ONNX backend tests, 1e-3 for floats, exact for integers)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--threads", o_.threads, "CPU threads of the runtime (0 = runtime default)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--strict", o_.strict, "Unsupported cases fail the run too (exit 6)");
    cmd->add_flag("--verbose,-v", o_.verbose, "List unsupported cases with their reason, not only failures");
    return cmd;
  }

  int run(const RuntimeRegistry& registry) override;

 private:
  void print_case(const CaseResult& result) const;

  VerifyCliOptions o_;
};

void VerifyCommand::print_case(const CaseResult& c) const {
  const bool show = c.status == CaseStatus::kFailed || c.status == CaseStatus::kError ||
                    (o_.verbose && c.status == CaseStatus::kUnsupported);
  if (!show) return;
  // Case names are folder names and reasons quote models: their control bytes are escaped.
  const std::string where = c.data_set.empty() ? "" : fmt::format(" [{}]", terminal_text(c.data_set));
  fmt::print("{:<11} {}{}: {}\n", case_status_name(c.status), terminal_text(c.name), where, terminal_text(c.reason));
  if (c.status != CaseStatus::kFailed) return;
  for (const auto& o : c.outputs) {
    fmt::print(
        "            output '{}': {} of {} differ, max abs error {:.3g}, max rel error {:.3g}, cosine {:.6f}{}\n",
        terminal_text(o.name), o.mismatches, o.elements, o.max_abs_error, o.max_rel_error, o.cosine_similarity,
        o.passed ? " (ok)" : "");
  }
}

int VerifyCommand::run(const RuntimeRegistry& registry) {
  const auto runtimes = registry.resolve(o_.runtime);
  if (runtimes.size() != 1 || o_.runtime == "all") fail(ErrorKind::kUsage, "--runtime takes exactly one runtime name");
  if (!o_.json.empty()) check_writable(o_.json);

  VerifyOptions options;
  options.tolerance = {o_.atol, o_.rtol};
  options.filter = o_.filter;
  options.runtime_options.threads = o_.threads;
  const bool tty = isatty(fileno(stderr));
  const auto progress = [&](const CaseResult& result, size_t done, size_t total) {
    if (tty) fmt::print(stderr, "\r\033[K");
    print_case(result);
    if (tty) fmt::print(stderr, "  [{}/{}] {}", done, total, terminal_text(result.name));
    std::fflush(stdout);
  };
  const VerifyReport report = run_verify(*runtimes.front(), o_.suite, options, progress);
  if (tty) fmt::print(stderr, "\r\033[K");
  if (report.cases.empty()) fail(ErrorKind::kInput, "no test case (a folder with model.onnx) in {} matches", o_.suite);

  fmt::print("{} {} on {}: {}\n", report.runtime, report.runtime_version, terminal_text(report.suite),
             verify_summary_line(report));
  if (!o_.json.empty()) write_file_atomically(o_.json, dump_json(verify_report_json(report, options)) + "\n");
  return verify_exit_status(report, o_.strict);
}

}  // namespace

std::unique_ptr<Command> make_verify_command() { return std::make_unique<VerifyCommand>(); }

}  // namespace inferfoundry::cli
