#include "core/checked_math.h"

#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "core/error.h"

namespace inferfoundry {

std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

std::optional<uint64_t> checked_add(uint64_t a, uint64_t b) {
  uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

std::optional<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

int64_t checked_element_count(const Shape& shape, std::string_view what) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) fail(ErrorKind::kInput, "tensor '{}': negative dimension in shape {}", what, format_shape(shape));
    const auto next = checked_mul(count, dim);
    if (!next)
      fail(ErrorKind::kInput, "tensor '{}': shape {} has too many elements to count", what, format_shape(shape));
    count = *next;
  }
  return count;
}

uint64_t checked_byte_size(const Shape& shape, size_t element_size, std::string_view what) {
  const int64_t count = checked_element_count(shape, what);
  const auto bytes = checked_mul(count, static_cast<int64_t>(element_size));
  if (!bytes || element_size > static_cast<size_t>(std::numeric_limits<int64_t>::max())) {
    fail(ErrorKind::kInput, "tensor '{}': shape {} needs more bytes than can be addressed", what, format_shape(shape));
  }
  return static_cast<uint64_t>(*bytes);
}

std::optional<int64_t> parse_non_negative_int(std::string_view text) {
  int64_t value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text.front() == '-' || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string format_bytes(uint64_t bytes) {
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

}  // namespace inferfoundry
