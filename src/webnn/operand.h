#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/dtype.h"
#include "core/shape.h"

namespace inferfoundry::webnn {

// WebNN's MLOperandDescriptor: an element type and a static shape.
struct MLOperandDescriptor {
  DType data_type = DType::kFloat32;
  Shape shape;
};

// The WebNN data types, by their spec names ("float32", "uint8", ...). Throws Error(kUsage) for others.
DType webnn_dtype_from_name(std::string_view name);

namespace detail {
struct OperandInfo {
  const void* builder = nullptr;  // identifies the owning builder, so operands cannot cross graphs
  int index = -1;
  std::string name;  // the ONNX value name: input name, constant name, or "<op>_<n>"
  MLOperandDescriptor descriptor;
};
}  // namespace detail

// A value in a graph under construction. Cheap to copy; its descriptor is fixed when it is created.
class MLOperand {
 public:
  MLOperand() = default;
  explicit MLOperand(std::shared_ptr<const detail::OperandInfo> info) : info_(std::move(info)) {}

  bool valid() const { return info_ != nullptr; }
  DType data_type() const { return info_->descriptor.data_type; }
  const Shape& shape() const { return info_->descriptor.shape; }
  size_t rank() const { return info_->descriptor.shape.size(); }
  const MLOperandDescriptor& descriptor() const { return info_->descriptor; }
  const std::string& name() const { return info_->name; }
  const detail::OperandInfo& info() const { return *info_; }

 private:
  std::shared_ptr<const detail::OperandInfo> info_;
};

// An operation's options dictionary (MLConv2dOptions, MLPool2dOptions, ...). Keys are the spec's camelCase
// member names; each operation rejects keys it does not define, so a typo is an error, not a silent default.
using MLOptionValue = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>,
                                   std::vector<std::string>, MLOperand, std::vector<MLOperand>>;
using MLOptions = std::map<std::string, MLOptionValue>;

}  // namespace inferfoundry::webnn
