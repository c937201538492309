#pragma once
#include <pybind11/numpy.h>

#include "core/tensor.h"

namespace inferfoundry::python {

// numpy <-> Tensor, copying. Arrays of WebNN's types only (float32, float16, int8, uint8, int32, uint32,
// int64, uint64); anything else raises TypeError naming the dtype.
Tensor tensor_from_array(const pybind11::handle& object, const std::string& what);
pybind11::array array_from_tensor(const Tensor& tensor);
DType dtype_of(const pybind11::dtype& dtype, const std::string& what);

}  // namespace inferfoundry::python
