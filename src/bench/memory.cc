#include "bench/memory.h"

#include <fstream>
#include <string>

namespace inferfoundry {
namespace {
std::optional<double> status_field_mib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::stod(line.substr(field.size() + 1)) / 1024.0;  // the kernel reports kB
    }
  }
  return std::nullopt;
}
}  // namespace

std::optional<double> peak_rss_mib() { return status_field_mib("VmHWM"); }
std::optional<double> current_rss_mib() { return status_field_mib("VmRSS"); }

bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

}  // namespace inferfoundry
