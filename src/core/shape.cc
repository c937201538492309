#include "core/shape.h"

#include <charconv>

#include "core/checked_math.h"
#include "core/error.h"

namespace inferfoundry {

int64_t element_count(const Shape& shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    const auto next = checked_mul(count, dim);
    if (!next) fail(ErrorKind::kInput, "shape {} has too many elements to count", format_shape(shape));
    count = *next;
  }
  return count;
}

std::string format_shape(const Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += 'x';
    text += std::to_string(shape[i]);
  }
  return text;
}

Shape parse_shape(std::string_view text) {
  Shape shape;
  if (text == "scalar") return shape;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of("x,", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view part = text.substr(start, end - start);
    int64_t dim = -1;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), dim);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() || dim < 0) {
      fail(ErrorKind::kUsage, "invalid shape '{}': expected dimensions like 1x3x224x224", text);
    }
    shape.push_back(dim);
    start = end + 1;
  }
  return shape;
}

}  // namespace inferfoundry
