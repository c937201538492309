#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inferfoundry {

// Element types of tensors. The numeric values are ONNX's TensorProto.DataType codes, so conversion to
// and from model files is a cast that validates.
enum class DType : int32_t {
  kUndefined = 0,
  kFloat32 = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kFloat64 = 11,
  kUInt32 = 12,
  kUInt64 = 13,
  kBFloat16 = 16,
};

// Bytes per element; 0 for types without a fixed size (string, undefined).
size_t dtype_size(DType type);
// Short lower-case name used in the CLI, JSON and messages: "float32", "int64", ...
std::string_view dtype_name(DType type);
std::optional<DType> dtype_from_name(std::string_view name);
// Validates an ONNX TensorProto.DataType code.
std::optional<DType> dtype_from_onnx(int32_t code);

bool is_floating(DType type);
bool is_integer(DType type);

}  // namespace inferfoundry
