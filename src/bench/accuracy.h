#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/result.h"
#include "core/precision.h"
#include "core/tensor.h"

namespace inferfoundry {

// An element matches when |actual - expected| <= atol + rtol * |expected| (numpy's allclose, as the
// ONNX backend tests use it). NaN matches NaN only; an infinity matches the same infinity only.
struct Tolerance {
  double atol = 0;
  double rtol = 0;
};

// Defaults of the ONNX backend test runner (onnx/backend/test/runner): rtol 1e-3, atol 1e-7 for
// floating types; integers and bools must be equal. Used by `verify`.
Tolerance backend_test_tolerance(DType dtype);

// Defaults for comparing one runtime against another in `benchmark`, by the precision the runtimes ran at:
// fp32 atol 1e-4 rtol 1e-3; fp16 atol 1e-2 rtol 1e-2; bf16 atol 5e-2 rtol 5e-2; int8 atol 1e-1 rtol 1e-1.
// Integer and bool outputs stay exact whatever the precision.
Tolerance precision_tolerance(Precision precision, DType dtype);

// User overrides (--atol / --rtol) over a default: each given value replaces the default's.
struct ToleranceOverride {
  std::optional<double> atol;
  std::optional<double> rtol;
  Tolerance apply(Tolerance base) const;
};

// Compares one output with its expected value. Shapes and dtypes must match exactly (otherwise the
// comparison fails with a note and every element counts as mismatching). Fills max absolute and relative
// error (over elements finite on both sides; relative only where the expected value is non-zero, so the
// figures stay finite for JSON), mismatches (NaN or Inf in the wrong place included), and cosine similarity (over
// elements finite on both sides; 1 when both are all zeros, 0 when only one is). A failed comparison's
// note names the worst element: index, actual and expected values.
OutputComparison compare_tensors(const Tensor& actual, const Tensor& expected, Tolerance tolerance);

// Compares a runtime's outputs with a reference's, output by output in model order, each with the
// tolerance that tolerance_for gives for the expected output's dtype. A missing or extra output fails.
using ToleranceFn = std::function<Tolerance(DType)>;
AccuracyVerdict compare_outputs(const std::vector<Tensor>& actual, const std::vector<Tensor>& expected,
                                const ToleranceFn& tolerance_for);

// "[0, 3, 1]" for element `flat_index` of a tensor of this shape (row-major).
std::string format_index(const Shape& shape, int64_t flat_index);

}  // namespace inferfoundry
