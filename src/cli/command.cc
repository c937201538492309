#include "cli/command.h"

#include <unistd.h>

#include <charconv>
#include <filesystem>

#include "core/error.h"

namespace inferfoundry::cli {

std::vector<std::unique_ptr<Command>> all_commands() {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(make_benchmark_command());
  commands.push_back(make_build_command());
  commands.push_back(make_report_command());
  commands.push_back(make_inspect_command());
  commands.push_back(make_runtimes_command());
  commands.push_back(make_cache_command());
  commands.push_back(make_verify_command());
  return commands;
}

double parse_duration_s(const std::string& text) {
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  const std::string unit(ptr, end);
  double scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1;
  else if (unit == "ms")
    scale = 1e-3;
  else if (unit == "m" || unit == "min")
    scale = 60;
  if (ec != std::errc() || ptr == begin || scale == 0 || value < 0) {
    fail(ErrorKind::kUsage, "invalid duration '{}': expected a number with s, ms or m, like 10s", text);
  }
  return value * scale;
}

const CLI::Validator& non_empty_path() {
  static const CLI::Validator validator(
      [](std::string& value) { return value.empty() ? std::string("an empty path names no file") : std::string(); },
      "PATH");
  return validator;
}

void check_writable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail(ErrorKind::kOutput, "cannot write {}: it is a directory", path);
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec))
    fail(ErrorKind::kOutput, "cannot write {}: folder {} does not exist", path, parent.string());
  if (access(parent.c_str(), W_OK) != 0)
    fail(ErrorKind::kOutput, "cannot write {}: folder {} is not writable", path, parent.string());
}

}  // namespace inferfoundry::cli
