#pragma once
#include <optional>
#include <string_view>

namespace inferfoundry {

// The arithmetic precision a runtime is asked to compute at, and the one it reports having used.
// Parsed once at the CLI's edge (parse_precision) and carried typed through options and results.
enum class Precision { kFp32, kFp16, kBf16, kInt8 };

// "fp32", "fp16", "bf16", "int8": the names the CLI takes and the JSON files hold.
std::string_view precision_name(Precision precision);
std::optional<Precision> precision_from_name(std::string_view name);
// Like precision_from_name, but an unknown name is Error(kUsage) listing the valid ones.
Precision parse_precision(std::string_view name);

// The less exact of two precisions (fp32 < fp16 < bf16 < int8): a comparison of two runtimes' outputs is
// only as exact as its less exact side.
Precision less_exact(Precision a, Precision b);

}  // namespace inferfoundry
