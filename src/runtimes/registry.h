#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtimes/runtime.h"

namespace inferfoundry {

// The runtimes compiled into this build, looked up by name. Owned by whoever needs it (the CLI, a test);
// there is no global instance.
class RuntimeRegistry {
 public:
  // Every runtime this build was compiled with, in the order of the folders in src/runtimes/CMakeLists.txt
  // and, within a folder, of the FACTORIES its inferfoundry_add_runtime() call lists (the list is generated).
  static RuntimeRegistry with_builtin_runtimes();

  // Appends a runtime; a name that is already registered is Error(kInternal) (a build bug, not a user's).
  void add(std::unique_ptr<Runtime> runtime);
  const Runtime* find(std::string_view name) const;
  std::vector<const Runtime*> all() const;
  std::vector<std::string> names() const;

  // Resolves a comma list ("onnx,tensorrt") or "all" (every available runtime). Unknown or duplicate
  // names throw Error(kUsage) listing the valid ones.
  std::vector<const Runtime*> resolve(std::string_view list) const;

 private:
  std::vector<std::unique_ptr<Runtime>> runtimes_;
};

}  // namespace inferfoundry
