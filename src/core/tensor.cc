#include "core/tensor.h"

#include <cstring>

#include <stdexcept>

#include "core/checked_math.h"
#include "core/error.h"
#include "core/float16.h"

namespace inferfoundry {

Tensor::Tensor(std::string name, DType dtype, Shape shape)
    : name_(std::move(name)), dtype_(dtype), shape_(std::move(shape)) {
  const size_t element = dtype_size(dtype_);
  if (element == 0) fail(ErrorKind::kInput, "tensor '{}': unsupported element type {}", name_, dtype_name(dtype_));
  const uint64_t size = checked_byte_size(shape_, element, name_);
  try {
    bytes_.resize(size);
  } catch (const std::length_error&) {
    // Only reachable with sizes no caller has capped: say which tensor, not "vector::_M_default_append".
    fail(ErrorKind::kInput, "tensor '{}': shape {} of {} needs {}, more than can be allocated", name_,
         format_shape(shape_), dtype_name(dtype_), format_bytes(size));
  }
}

int64_t Tensor::element_count() const { return inferfoundry::element_count(shape_); }

namespace {
template <typename T>
double load(const std::byte* base, int64_t index) {
  T value;
  std::memcpy(&value, base + index * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return static_cast<double>(value);
}
}  // namespace

double Tensor::value_at(int64_t index) const {
  const std::byte* base = bytes_.data();
  switch (dtype_) {
    case DType::kFloat32:
      return load<float>(base, index);
    case DType::kFloat64:
      return load<double>(base, index);
    case DType::kFloat16:
      return half_to_float(static_cast<uint16_t>(load<uint16_t>(base, index)));
    case DType::kBFloat16:
      return bfloat16_to_float(static_cast<uint16_t>(load<uint16_t>(base, index)));
    case DType::kInt8:
      return load<int8_t>(base, index);
    case DType::kUInt8:
      return load<uint8_t>(base, index);
    case DType::kInt16:
      return load<int16_t>(base, index);
    case DType::kUInt16:
      return load<uint16_t>(base, index);
    case DType::kInt32:
      return load<int32_t>(base, index);
    case DType::kUInt32:
      return load<uint32_t>(base, index);
    case DType::kInt64:
      return load<int64_t>(base, index);
    case DType::kUInt64:
      return load<uint64_t>(base, index);
    case DType::kBool:
      return load<uint8_t>(base, index) != 0 ? 1.0 : 0.0;
    default:
      fail(ErrorKind::kInternal, "value_at on tensor '{}' of type {}", name_, dtype_name(dtype_));
  }
}

}  // namespace inferfoundry
