#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace inferfoundry {

using Shape = std::vector<int64_t>;

// Number of elements; 1 for a scalar (empty shape), 0 if any dimension is 0. Throws Error(kInput) when the
// count does not fit in int64 (shapes come from files and options).
int64_t element_count(const Shape& shape);
// "1x3x224x224"; "scalar" for rank 0.
std::string format_shape(const Shape& shape);
// Parses "1x3x224x224" (also accepts ','); throws Error(kUsage) on anything else.
Shape parse_shape(std::string_view text);

}  // namespace inferfoundry
