#include "core/precision.h"

#include <array>

#include "core/error.h"

namespace inferfoundry {
namespace {

// In order of exactness, most exact first; less_exact() relies on this order.
constexpr std::array kAllPrecisions = {Precision::kFp32, Precision::kFp16, Precision::kBf16, Precision::kInt8};

int exactness_rank(Precision precision) {
  for (size_t k = 0; k < kAllPrecisions.size(); ++k) {
    if (kAllPrecisions[k] == precision) return static_cast<int>(k);
  }
  return 0;
}

}  // namespace

std::string_view precision_name(Precision precision) {
  switch (precision) {
    case Precision::kFp32:
      return "fp32";
    case Precision::kFp16:
      return "fp16";
    case Precision::kBf16:
      return "bf16";
    case Precision::kInt8:
      return "int8";
  }
  return "fp32";
}

std::optional<Precision> precision_from_name(std::string_view name) {
  for (Precision precision : kAllPrecisions) {
    if (precision_name(precision) == name) return precision;
  }
  return std::nullopt;
}

Precision parse_precision(std::string_view name) {
  if (const auto precision = precision_from_name(name)) return *precision;
  fail(ErrorKind::kUsage, "unknown precision '{}': expected fp32, fp16, bf16 or int8", name);
}

Precision less_exact(Precision a, Precision b) { return exactness_rank(a) >= exactness_rank(b) ? a : b; }

}  // namespace inferfoundry
