#pragma once
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace inferfoundry {

// What went wrong, from the user's point of view. Each kind maps to one documented exit status of the
// CLI (docs/exit-codes.md), so scripts can tell a typo from a broken model from a crashed runtime.
enum class ErrorKind {
  kUsage,        // bad option or argument: exit 2
  kInput,        // a model, input or results file that is missing, unreadable or malformed: exit 3
  kRuntime,      // a runtime failed to prepare or run a model: exit 4
  kOutput,       // a result could not be written (permissions, full disk): exit 5
  kUnavailable,  // a runtime or its libraries/GPU are not present on this machine: exit 7
  kInternal,     // a bug in InferFoundry: exit 1
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Throws an Error with a fmt-formatted message: fail(ErrorKind::kInput, "no such file: {}", path).
template <typename... Args>
[[noreturn]] void fail(ErrorKind kind, fmt::format_string<Args...> format, Args&&... args) {
  throw Error(kind, fmt::format(format, std::forward<Args>(args)...));
}

// Exit statuses of the inferfoundry CLI. Kept here so every layer and the tests agree on them.
namespace exit_code {
inline constexpr int kOk = 0;
inline constexpr int kInternal = 1;
inline constexpr int kUsage = 2;
inline constexpr int kInput = 3;
inline constexpr int kRuntimeFailed = 4;
inline constexpr int kOutput = 5;
inline constexpr int kCheckFailed = 6;  // outputs disagree, a verify case failed, or a regression
inline constexpr int kUnavailable = 7;  // a requested runtime is unavailable; the others ran
}  // namespace exit_code

int exit_code_for(ErrorKind kind);

}  // namespace inferfoundry
