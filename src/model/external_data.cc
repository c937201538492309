#include "model/external_data.h"

#include "core/checked_math.h"
#include "core/dtype.h"
#include "core/error.h"

namespace inferfoundry {

ExternalDataRef external_data_of(const onnx::TensorProto& tensor) {
  ExternalDataRef ref;
  for (const auto& entry : tensor.external_data()) {
    if (entry.key() == "location") ref.location = entry.value();
    if (entry.key() != "offset" && entry.key() != "length") continue;
    const auto number = parse_non_negative_int(entry.value());
    if (!number) {
      fail(ErrorKind::kInput, "external data of tensor '{}': {} '{}' is not a whole number of bytes", tensor.name(),
           entry.key(), entry.value());
    }
    if (entry.key() == "offset")
      ref.offset = *number;
    else
      ref.length = *number;
  }
  return ref;
}

uint64_t external_extent(const onnx::TensorProto& tensor, const ExternalDataRef& ref) {
  if (ref.length) return static_cast<uint64_t>(*ref.length);
  const auto dtype = dtype_from_onnx(tensor.data_type());
  const size_t element = dtype ? dtype_size(*dtype) : 0;
  if (element == 0) return 0;
  return checked_byte_size(Shape(tensor.dims().begin(), tensor.dims().end()), element, tensor.name());
}

void check_external_extent(const onnx::TensorProto& tensor, const ExternalDataRef& ref, uint64_t file_size) {
  const uint64_t extent = external_extent(tensor, ref);
  const auto end = checked_add(static_cast<uint64_t>(ref.offset), extent);
  if (!end || *end > file_size) {
    fail(ErrorKind::kInput,
         "external data of tensor '{}' reaches past the end of '{}' (offset {} + {} bytes, the file has {})",
         tensor.name(), ref.location, ref.offset, extent, file_size);
  }
}

}  // namespace inferfoundry
