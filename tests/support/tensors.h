#pragma once
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace inferfoundry::testing {

// float32 values uniform in [-scale, scale], reproducible from the seed.
inline Tensor random_tensor(const std::string& name, const Shape& shape, uint32_t seed, float scale = 1.0f) {
  Tensor tensor(name, DType::kFloat32, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  for (float& v : tensor.data<float>()) v = dist(rng);
  return tensor;
}

// A 1-D int64 tensor holding exactly these values (shape operands, axes).
inline Tensor int64_tensor(const std::string& name, const std::vector<int64_t>& values) {
  Tensor tensor(name, DType::kInt64, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), tensor.data<int64_t>().begin());
  return tensor;
}

}  // namespace inferfoundry::testing
