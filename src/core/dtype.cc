#include "core/dtype.h"

#include <array>

namespace inferfoundry {
namespace {

struct DTypeInfo {
  DType type;
  std::string_view name;
  size_t size;
};

constexpr std::array<DTypeInfo, 14> kDTypes = {{
    {DType::kFloat32, "float32", 4},
    {DType::kUInt8, "uint8", 1},
    {DType::kInt8, "int8", 1},
    {DType::kUInt16, "uint16", 2},
    {DType::kInt16, "int16", 2},
    {DType::kInt32, "int32", 4},
    {DType::kInt64, "int64", 8},
    {DType::kString, "string", 0},
    {DType::kBool, "bool", 1},
    {DType::kFloat16, "float16", 2},
    {DType::kFloat64, "float64", 8},
    {DType::kUInt32, "uint32", 4},
    {DType::kUInt64, "uint64", 8},
    {DType::kBFloat16, "bfloat16", 2},
}};

const DTypeInfo* find(DType type) {
  for (const auto& info : kDTypes) {
    if (info.type == type) return &info;
  }
  return nullptr;
}

}  // namespace

size_t dtype_size(DType type) {
  const auto* info = find(type);
  return info ? info->size : 0;
}

std::string_view dtype_name(DType type) {
  const auto* info = find(type);
  return info ? info->name : std::string_view("undefined");
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const auto& info : kDTypes) {
    if (info.name == name) return info.type;
  }
  return std::nullopt;
}

std::optional<DType> dtype_from_onnx(int32_t code) {
  const auto* info = find(static_cast<DType>(code));
  if (!info) return std::nullopt;
  return info->type;
}

bool is_floating(DType type) {
  return type == DType::kFloat32 || type == DType::kFloat16 || type == DType::kFloat64 || type == DType::kBFloat16;
}

bool is_integer(DType type) {
  switch (type) {
    case DType::kUInt8:
    case DType::kInt8:
    case DType::kUInt16:
    case DType::kInt16:
    case DType::kInt32:
    case DType::kInt64:
    case DType::kUInt32:
    case DType::kUInt64:
      return true;
    default:
      return false;
  }
}

}  // namespace inferfoundry
