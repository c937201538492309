#pragma once
#include <vector>

#include <nlohmann/json.hpp>

#include "runtimes/runtime.h"

namespace inferfoundry {

// Facts about the machine and software a benchmark ran on: OS, kernel, CPU model and count, memory,
// InferFoundry's version and build, the UTC time, and the version of each runtime used.
nlohmann::json collect_environment(const std::vector<const Runtime*>& runtimes);

}  // namespace inferfoundry
