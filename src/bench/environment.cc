#include "bench/environment.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include <fmt/chrono.h>

#include "core/version.h"
#ifdef INFERFOUNDRY_WITH_CUDA
#include "runtimes/cuda/cuda_common.h"
#endif

namespace inferfoundry {
namespace {

// First value of "key : value" lines in a /proc-style file.
std::string read_keyed_line(const char* file, const std::string& key, char separator) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    const auto pos = line.find(separator);
    if (pos == std::string::npos) continue;
    std::string value = line.substr(pos + 1);
    const auto first = value.find_first_not_of(" \t\"");
    const auto last = value.find_last_not_of(" \t\"");
    return first == std::string::npos ? "" : value.substr(first, last - first + 1);
  }
  return "";
}

nlohmann::json host_facts() {
  utsname names{};
  uname(&names);
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  return {
      {"os", read_keyed_line("/etc/os-release", "PRETTY_NAME", '=')},
      {"kernel", std::string(names.sysname) + " " + names.release},
      {"arch", names.machine},
      {"cpu", read_keyed_line("/proc/cpuinfo", "model name", ':')},
      {"logical_cpus", sysconf(_SC_NPROCESSORS_ONLN)},
      {"memory_gib", static_cast<double>(pages) * static_cast<double>(page_size) / (1024.0 * 1024.0 * 1024.0)},
  };
}

// GPU name, compute capability, memory, driver and CUDA versions; null without a GPU or a CUDA build.
nlohmann::json gpu_facts() {
#ifdef INFERFOUNDRY_WITH_CUDA
  return cuda::gpu_facts_json();
#else
  return nullptr;
#endif
}

}  // namespace

nlohmann::json collect_environment(const std::vector<const Runtime*>& runtimes) {
  nlohmann::json environment = host_facts();
  environment["inferfoundry_version"] = kVersion;
  environment["compiler"] = kCompiler;
  environment["build_type"] = kBuildType;
  environment["timestamp_utc"] = fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
  nlohmann::json versions = nlohmann::json::object();
  for (const Runtime* runtime : runtimes) {
    versions[runtime->name()] = runtime->availability().available ? runtime->version() : "unavailable";
  }
  environment["runtime_versions"] = versions;
  environment["gpu"] = gpu_facts();
  return environment;
}

}  // namespace inferfoundry
