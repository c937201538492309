#pragma once
#include <optional>

namespace inferfoundry {

// Peak resident memory of this process, from /proc/self/status (VmHWM), in MiB.
std::optional<double> peak_rss_mib();
// Current resident memory (VmRSS) in MiB.
std::optional<double> current_rss_mib();
// Resets the kernel's peak-RSS mark to the current RSS (writes 5 to /proc/self/clear_refs), so the peak
// can be measured per runtime within one process. Returns false where the kernel does not allow it.
bool reset_peak_rss();

}  // namespace inferfoundry
