#include "numpy_tensor.h"

#include <cstring>

#include "core/error.h"

namespace py = pybind11;

namespace inferfoundry::python {

DType dtype_of(const py::dtype& dtype, const std::string& what) {
  const char kind = dtype.kind();
  const auto size = dtype.itemsize();
  if (kind == 'f' && size == 4) return DType::kFloat32;
  if (kind == 'f' && size == 2) return DType::kFloat16;
  if (kind == 'i' && size == 1) return DType::kInt8;
  if (kind == 'u' && size == 1) return DType::kUInt8;
  if (kind == 'i' && size == 4) return DType::kInt32;
  if (kind == 'u' && size == 4) return DType::kUInt32;
  if (kind == 'i' && size == 8) return DType::kInt64;
  if (kind == 'u' && size == 8) return DType::kUInt64;
  fail(ErrorKind::kUsage, "{}: numpy dtype {} is not a WebNN data type", what,
       py::str(static_cast<const py::handle&>(dtype)).cast<std::string>());
}

Tensor tensor_from_array(const py::handle& object, const std::string& what) {
  if (!py::isinstance<py::array>(object)) fail(ErrorKind::kUsage, "{}: expected a numpy array", what);
  auto array = py::array::ensure(object, py::array::c_style);
  const DType type = dtype_of(array.dtype(), what);
  Shape shape(array.shape(), array.shape() + array.ndim());
  Tensor tensor("", type, shape);
  std::memcpy(tensor.bytes().data(), array.data(), tensor.byte_size());
  return tensor;
}

py::array array_from_tensor(const Tensor& tensor) {
  std::vector<py::ssize_t> shape(tensor.shape().begin(), tensor.shape().end());
  py::array array(py::dtype(std::string(dtype_name(tensor.dtype()))), shape);
  std::memcpy(array.mutable_data(), tensor.bytes().data(), tensor.byte_size());
  return array;
}

}  // namespace inferfoundry::python
