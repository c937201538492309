#include "webnn/onnx_emitter.h"

#include <algorithm>

#include "core/error.h"
#include "core/float16.h"
#include "core/tensor.h"

namespace inferfoundry::webnn {

namespace {
bool contains(const std::vector<DType>& types, DType type) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

template <typename T>
void fill_scalar(Tensor& tensor, double value) {
  tensor.data<T>()[0] = static_cast<T>(value);
}
}  // namespace

DType compute_type(DType type, const std::vector<DType>& native) {
  if (contains(native, type)) return type;
  const bool floating = is_floating(type);
  const DType order_float[] = {DType::kFloat32, DType::kFloat64};
  const DType order_int[] = {DType::kInt64, DType::kInt32, DType::kFloat32};
  if (floating) {
    for (DType candidate : order_float) {
      if (contains(native, candidate)) return candidate;
    }
  } else {
    for (DType candidate : order_int) {
      if (contains(native, candidate)) return candidate;
    }
  }
  fail(ErrorKind::kInternal, "no ONNX compute type for {}", dtype_name(type));
}

onnx::NodeProto& OnnxEmitter::node(const std::string& op_type, const std::vector<std::string>& inputs,
                                   const std::vector<std::string>& outputs) {
  auto& created = graph_.add_node(op_type, inputs, outputs);
  const std::string local = op_type + "_" + std::to_string(node_counter_++);
  created.set_name(scope_.empty() ? local : scope_ + "/" + local);
  return created;
}

std::string OnnxEmitter::fresh_name(const std::string& hint) { return hint + "__" + std::to_string(counter_++); }

std::string OnnxEmitter::value(const std::string& op_type, const std::vector<std::string>& inputs) {
  return value(op_type, inputs, nullptr);
}

std::string OnnxEmitter::value(const std::string& op_type, const std::vector<std::string>& inputs,
                               onnx::NodeProto** node_out) {
  std::string name = fresh_name(op_type);
  auto& created = node(op_type, inputs, {name});
  if (node_out) *node_out = &created;
  return name;
}

std::string OnnxEmitter::int64s(const std::vector<int64_t>& values) {
  Tensor tensor(fresh_name("ints"), DType::kInt64, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), tensor.data<int64_t>().begin());
  graph_.add_initializer(tensor);
  return tensor.name();
}

Tensor scalar_tensor(const std::string& name, DType type, double value) {
  Tensor tensor(name, type, {});
  switch (type) {
    case DType::kFloat32:
      fill_scalar<float>(tensor, value);
      break;
    case DType::kFloat64:
      fill_scalar<double>(tensor, value);
      break;
    case DType::kFloat16:
      tensor.data<uint16_t>()[0] = float_to_half(static_cast<float>(value));
      break;
    case DType::kInt8:
      fill_scalar<int8_t>(tensor, value);
      break;
    case DType::kUInt8:
    case DType::kBool:
      fill_scalar<uint8_t>(tensor, value);
      break;
    case DType::kInt32:
      fill_scalar<int32_t>(tensor, value);
      break;
    case DType::kUInt32:
      fill_scalar<uint32_t>(tensor, value);
      break;
    case DType::kInt64:
      fill_scalar<int64_t>(tensor, value);
      break;
    case DType::kUInt64:
      fill_scalar<uint64_t>(tensor, value);
      break;
    default:
      fail(ErrorKind::kInternal, "scalar of type {}", dtype_name(type));
  }
  return tensor;
}

std::string OnnxEmitter::scalar(DType type, double value) {
  Tensor tensor = scalar_tensor(fresh_name("scalar"), type, value);
  graph_.add_initializer(tensor);
  return tensor.name();
}

std::string OnnxEmitter::cast(const std::string& value_name, DType from, DType to) {
  if (from == to) return value_name;
  onnx::NodeProto* cast_node = nullptr;
  std::string result = value("Cast", {value_name}, &cast_node);
  set_attribute(*cast_node, "to", static_cast<int64_t>(to));
  return result;
}

void OnnxEmitter::cast_into(const std::string& value_name, DType from, DType to, const std::string& output) {
  auto& cast_node = node(from == to ? "Identity" : "Cast", {value_name}, {output});
  if (from != to) set_attribute(cast_node, "to", static_cast<int64_t>(to));
}

onnx::NodeProto& OnnxEmitter::typed(const std::string& op_type, const std::vector<std::string>& inputs,
                                    size_t cast_count, const std::string& output, DType type,
                                    const std::vector<DType>& native) {
  const DType computed = compute_type(type, native);
  if (computed == type) return node(op_type, inputs, {output});
  std::vector<std::string> converted = inputs;
  for (size_t i = 0; i < cast_count && i < converted.size(); ++i) converted[i] = cast(converted[i], type, computed);
  const std::string wide = fresh_name(op_type);
  auto& op_node = node(op_type, converted, {wide});
  cast_into(wide, computed, type, output);
  return op_node;
}

}  // namespace inferfoundry::webnn
