#pragma once
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/shape.h"

namespace inferfoundry {

// A dense tensor in host memory: a name, an element type, a shape and the raw little-endian bytes.
// Runtimes copy in and out of it at their edges; everything above the runtimes works on Tensors.
class Tensor {
 public:
  Tensor() = default;
  Tensor(std::string name, DType dtype, Shape shape);  // zero-filled

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t element_count() const;
  size_t byte_size() const { return bytes_.size(); }

  std::span<std::byte> bytes() { return bytes_; }
  std::span<const std::byte> bytes() const { return bytes_; }

  template <typename T>
  std::span<T> data() {
    return {reinterpret_cast<T*>(bytes_.data()), bytes_.size() / sizeof(T)};
  }
  template <typename T>
  std::span<const T> data() const {
    return {reinterpret_cast<const T*>(bytes_.data()), bytes_.size() / sizeof(T)};
  }

  // Element i as a double, whatever the dtype (float16/bfloat16 decoded). For comparisons and printing.
  double value_at(int64_t index) const;

 private:
  std::string name_;
  DType dtype_ = DType::kUndefined;
  Shape shape_;
  std::vector<std::byte> bytes_;
};

}  // namespace inferfoundry
