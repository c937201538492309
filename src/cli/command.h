#pragma once
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "runtimes/registry.h"

namespace inferfoundry::cli {

// One subcommand of the inferfoundry CLI. Each owns its options: attach() declares them on the parser,
// run() executes after a successful parse and returns the exit status (core/error.h, exit_code).
class Command {
 public:
  virtual ~Command() = default;
  virtual CLI::App* attach(CLI::App& app) = 0;
  virtual int run(const RuntimeRegistry& registry) = 0;
};

std::unique_ptr<Command> make_benchmark_command();
std::unique_ptr<Command> make_build_command();
std::unique_ptr<Command> make_cache_command();
std::unique_ptr<Command> make_inspect_command();
std::unique_ptr<Command> make_report_command();
std::unique_ptr<Command> make_runtimes_command();
std::unique_ptr<Command> make_verify_command();

// Every subcommand, in the order `--help` lists them.
std::vector<std::unique_ptr<Command>> all_commands();

// "10s", "250ms", "2m", "1.5" (seconds). Throws Error(kUsage).
double parse_duration_s(const std::string& text);
// Check for options that name a file or folder: an empty value (`--output ""`, often an unset shell
// variable) is a usage error, not a silent "no file".
const CLI::Validator& non_empty_path();

// Fails early (Error(kOutput)) when a file cannot be created at path, before any long work.
void check_writable(const std::string& path);

}  // namespace inferfoundry::cli
