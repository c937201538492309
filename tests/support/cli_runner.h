#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace inferfoundry::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a program (argv[0] is looked up in PATH unless it is a path) with stdin from /dev/null, extra
// environment entries ("KEY=VALUE") added to this process's, and captures its exit status and output.
// A program killed by a signal reports 128 + the signal, as a shell would. Throws if it cannot start.
CliResult run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

// Runs the inferfoundry binary built with the tests with these arguments and captures its output.
CliResult run_cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

// A fresh temporary folder, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes bytes to a file (test fixtures).
void write_text(const std::filesystem::path& path, const std::string& bytes);

}  // namespace inferfoundry::testing
