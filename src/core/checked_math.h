#pragma once
// Size arithmetic on numbers that come from files and options: shapes, tensor byte sizes, external-data
// offsets and lengths. A product or sum that wraps makes a small buffer that a later loop writes past, so
// every one of them goes through these helpers, which refuse instead of wrapping.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/shape.h"

namespace inferfoundry {

// a * b and a + b, or nullopt when the exact result does not fit in the type.
std::optional<int64_t> checked_mul(int64_t a, int64_t b);
std::optional<uint64_t> checked_add(uint64_t a, uint64_t b);
std::optional<int64_t> checked_add(int64_t a, int64_t b);

// Elements of a tensor `what` (its name, for the message) of this shape. Throws Error(kInput) when a
// dimension is negative or the count does not fit in int64.
int64_t checked_element_count(const Shape& shape, std::string_view what);

// Bytes of a tensor `what` of this shape with elements of `element_size` bytes. Throws Error(kInput) when
// a dimension is negative or the size does not fit in int64 (so it fits size_t and std::streamsize too).
uint64_t checked_byte_size(const Shape& shape, size_t element_size, std::string_view what);

// A decimal integer in [0, INT64_MAX] and nothing else (no sign, no spaces, no suffix); nullopt otherwise.
// For numbers read from files, where std::stoll would throw or accept "12abc".
std::optional<int64_t> parse_non_negative_int(std::string_view text);

// "512 B", "3.0 KiB", "4.0 GiB": sizes in messages.
std::string format_bytes(uint64_t bytes);

}  // namespace inferfoundry
