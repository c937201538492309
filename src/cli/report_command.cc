// `inferfoundry report`: render a saved results file.
#include <fmt/format.h>

#include "cli/command.h"
#include "core/error.h"
#include "report/json_format.h"
#include "report/reporters.h"

namespace inferfoundry::cli {
namespace {

class ReportCommand : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    auto* cmd = app.add_subcommand("report", "Render a results file as a table (text, markdown or JSON)");
    cmd->add_option("--path,-p", path_, "Results JSON written by `benchmark --output`")->required();
    cmd->add_option("--format,-f", format_, "text, markdown or json")
        ->check(CLI::IsMember({"text", "markdown", "json"}))->capture_default_str();
    return cmd;
  }

  int run(const RuntimeRegistry&) override {
    const BenchmarkReport report = load_report(path_);
    if (format_ == "markdown") fmt::print("{}", render_markdown(report));
    else if (format_ == "json") fmt::print("{}\n", report_to_json(report).dump(2));
    else fmt::print("{}", render_text(report));
    return exit_code::kOk;
  }

 private:
  std::string path_;
  std::string format_ = "text";
};

}  // namespace

std::unique_ptr<Command> make_report_command() { return std::make_unique<ReportCommand>(); }

}  // namespace inferfoundry::cli
