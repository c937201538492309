// inferfoundry: benchmark ONNX models on several runtimes with one measuring loop.
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/error.h"
#include "core/terminal_text.h"
#include "core/version.h"

int main(int argc, char** argv) {
  using namespace inferfoundry;
  CLI::App app{"InferFoundry: measure ONNX models on several inference runtimes, honestly.", "inferfoundry"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  auto commands = cli::all_commands();
  std::vector<CLI::App*> parsers;
  for (auto& command : commands) parsers.push_back(command->attach(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "inferfoundry: error: {} (see --help)\n", terminal_text(e.what()));
    return exit_code::kUsage;
  } catch (const Error& e) {  // option validators that throw our own errors
    // Messages quote names from models and files: terminal_text keeps their control bytes from the terminal.
    fmt::print(stderr, "inferfoundry: error: {}\n", terminal_text(e.what()));
    return exit_code_for(e.kind());
  }

  try {
    const RuntimeRegistry registry = RuntimeRegistry::with_builtin_runtimes();
    for (size_t i = 0; i < commands.size(); ++i) {
      if (parsers[i]->parsed()) return commands[i]->run(registry);
    }
    return exit_code::kUsage;
  } catch (const Error& e) {
    fmt::print(stderr, "inferfoundry: error: {}\n", terminal_text(e.what()));
    return exit_code_for(e.kind());
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "inferfoundry: error: out of memory\n");
    return exit_code::kRuntimeFailed;
  } catch (const std::exception& e) {
    fmt::print(stderr, "inferfoundry: internal error: {}\n", terminal_text(e.what()));
    return exit_code::kInternal;
  }
}
