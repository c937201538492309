#include "core/error.h"

namespace inferfoundry {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
      return exit_code::kUsage;
    case ErrorKind::kInput:
      return exit_code::kInput;
    case ErrorKind::kRuntime:
      return exit_code::kRuntimeFailed;
    case ErrorKind::kOutput:
      return exit_code::kOutput;
    case ErrorKind::kUnavailable:
      return exit_code::kUnavailable;
    case ErrorKind::kInternal:
      return exit_code::kInternal;
  }
  return exit_code::kInternal;
}

}  // namespace inferfoundry
