#pragma once
// Where a tensor's bytes live when a model keeps them outside the .onnx file. The entries are text that
// anyone can write, so every number is parsed strictly and every extent checked against the file.
#include <cstdint>
#include <optional>
#include <string>

#include "onnx/onnx.pb.h"

namespace inferfoundry {

struct ExternalDataRef {
  std::string location;
  int64_t offset = 0;
  std::optional<int64_t> length;  // absent: the tensor's byte size
};

// The external_data entries of a tensor. Throws Error(kInput) naming the tensor and the entry when an
// offset or length is not a decimal integer in [0, 2^63).
ExternalDataRef external_data_of(const onnx::TensorProto& tensor);

// The bytes the tensor occupies in its external file: `length` if given, else its shape's byte size (0 for
// element types without a fixed size). Throws Error(kInput) when the shape's size overflows.
uint64_t external_extent(const onnx::TensorProto& tensor, const ExternalDataRef& ref);

// Throws Error(kInput) unless [offset, offset + extent) lies inside a file of `file_size` bytes.
void check_external_extent(const onnx::TensorProto& tensor, const ExternalDataRef& ref, uint64_t file_size);

}  // namespace inferfoundry
