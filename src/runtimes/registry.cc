#include "runtimes/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"

namespace inferfoundry {

void RuntimeRegistry::add(std::unique_ptr<Runtime> runtime) {
  if (find(runtime->name())) fail(ErrorKind::kInternal, "runtime '{}' registered twice", runtime->name());
  runtimes_.push_back(std::move(runtime));
}

const Runtime* RuntimeRegistry::find(std::string_view name) const {
  for (const auto& runtime : runtimes_) {
    if (runtime->name() == name) return runtime.get();
  }
  return nullptr;
}

std::vector<const Runtime*> RuntimeRegistry::all() const {
  std::vector<const Runtime*> list;
  for (const auto& runtime : runtimes_) list.push_back(runtime.get());
  return list;
}

std::vector<std::string> RuntimeRegistry::names() const {
  std::vector<std::string> list;
  for (const auto& runtime : runtimes_) list.push_back(runtime->name());
  return list;
}

std::vector<const Runtime*> RuntimeRegistry::resolve(std::string_view list) const {
  std::vector<const Runtime*> chosen;
  if (list == "all") {
    for (const auto& runtime : runtimes_) {
      if (runtime->availability().available) chosen.push_back(runtime.get());
    }
    return chosen;
  }
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    const std::string_view name = list.substr(start, end - start);
    const Runtime* runtime = find(name);
    if (!runtime) {
      fail(ErrorKind::kUsage, "unknown runtime '{}'; valid runtimes: {}, or all", name, fmt::join(names(), ", "));
    }
    if (std::find(chosen.begin(), chosen.end(), runtime) != chosen.end()) {
      fail(ErrorKind::kUsage, "runtime '{}' listed twice", name);
    }
    chosen.push_back(runtime);
    start = end + 1;
  }
  return chosen;
}

}  // namespace inferfoundry

namespace inferfoundry {

void reject_unknown_options(const RuntimeOptions& options, std::string_view runtime,
                            const std::vector<std::string_view>& known_keys) {
  for (const auto& [key, value] : options.extra) {
    if (std::find(known_keys.begin(), known_keys.end(), key) == known_keys.end()) {
      fail(ErrorKind::kUsage, "runtime '{}' has no option '{}'; its options: {}", runtime, key,
           known_keys.size() == 0 ? "none" : fmt::format("{}", fmt::join(known_keys, ", ")));
    }
  }
}

}  // namespace inferfoundry
