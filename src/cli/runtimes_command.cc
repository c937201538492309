// `inferfoundry runtimes`: what this build can run here, and why not where it cannot.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/error.h"

namespace inferfoundry::cli {
namespace {

class RuntimesCommand : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    auto* cmd = app.add_subcommand("runtimes", "List the runtimes, whether each is available here, and why not");
    cmd->add_flag("--json", json_, "Print JSON instead of text");
    return cmd;
  }

  int run(const RuntimeRegistry& registry) override {
    nlohmann::json list = nlohmann::json::array();
    std::string text = fmt::format("{:<12} {:<11} {:<10} {}\n", "runtime", "available", "version", "description");
    for (const Runtime* runtime : registry.all()) {
      const Availability availability = runtime->availability();
      const std::string version = availability.available ? runtime->version() : "-";
      list.push_back({{"name", runtime->name()},
                      {"description", runtime->description()},
                      {"available", availability.available},
                      {"reason", availability.reason},
                      {"version", version}});
      text += fmt::format("{:<12} {:<11} {:<10} {}\n", runtime->name(), availability.available ? "yes" : "no", version,
                          runtime->description());
      if (!availability.available) text += fmt::format("{:<12} {}\n", "", availability.reason);
    }
    fmt::print("{}", json_ ? list.dump(2) + "\n" : text);
    return exit_code::kOk;
  }

 private:
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_runtimes_command() { return std::make_unique<RuntimesCommand>(); }

}  // namespace inferfoundry::cli
