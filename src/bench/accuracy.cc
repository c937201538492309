#include "bench/accuracy.h"

#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"

namespace inferfoundry {

Tolerance backend_test_tolerance(DType dtype) {
  if (is_floating(dtype)) return {1e-7, 1e-3};
  return {0, 0};
}

Tolerance precision_tolerance(Precision precision, DType dtype) {
  if (!is_floating(dtype)) return {0, 0};
  switch (precision) {
    case Precision::kFp32:
      return {1e-4, 1e-3};
    case Precision::kFp16:
      return {1e-2, 1e-2};
    // bfloat16 keeps 8 significant bits against float16's 11: eight times the rounding error.
    case Precision::kBf16:
      return {5e-2, 5e-2};
    case Precision::kInt8:
      return {1e-1, 1e-1};
  }
  return {1e-4, 1e-3};
}

Tolerance ToleranceOverride::apply(Tolerance base) const {
  if (atol) base.atol = *atol;
  if (rtol) base.rtol = *rtol;
  return base;
}

std::string format_index(const Shape& shape, int64_t flat_index) {
  std::vector<int64_t> index(shape.size(), 0);
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] <= 0) continue;
    index[d] = flat_index % shape[d];
    flat_index /= shape[d];
  }
  return fmt::format("[{}]", fmt::join(index, ", "));
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool is_unsigned_64(DType dtype) { return dtype == DType::kUInt64; }

template <typename T>
T load(const Tensor& tensor, int64_t index) {
  T value;
  std::memcpy(&value, tensor.bytes().data() + index * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return value;
}

// Exact |a - b| for integer elements: 64-bit values do not survive a trip through double.
double integer_difference(const Tensor& actual, const Tensor& expected, int64_t i) {
  if (is_unsigned_64(actual.dtype())) {
    const auto a = load<uint64_t>(actual, i), b = load<uint64_t>(expected, i);
    return static_cast<double>(a > b ? a - b : b - a);
  }
  const auto as_int64 = [i](const Tensor& t) {
    return t.dtype() == DType::kInt64 ? load<int64_t>(t, i) : static_cast<int64_t>(t.value_at(i));
  };
  const int64_t a = as_int64(actual), b = as_int64(expected);
  // Unsigned subtraction gives the true distance even where the signed difference would overflow.
  return static_cast<double>(a > b ? static_cast<uint64_t>(a) - static_cast<uint64_t>(b)
                                   : static_cast<uint64_t>(b) - static_cast<uint64_t>(a));
}

// How far one element is from its expected value, and whether that is within tolerance.
struct ElementCheck {
  double abs_error = 0;
  bool matches = true;
};

ElementCheck check_floating(double a, double e, Tolerance tolerance) {
  if (std::isnan(a) || std::isnan(e))
    return {std::isnan(a) && std::isnan(e) ? 0 : kInf, std::isnan(a) && std::isnan(e)};
  if (std::isinf(a) || std::isinf(e)) return {a == e ? 0 : kInf, a == e};
  const double diff = std::fabs(a - e);
  return {diff, diff <= tolerance.atol + tolerance.rtol * std::fabs(e)};
}

// Running sums for the statistics of one comparison.
struct Accumulator {
  double max_abs = 0, max_rel = 0;
  int64_t mismatches = 0;
  int64_t worst = -1;  // the mismatching element with the largest error
  double worst_error = -1;
  long double dot = 0, norm_actual = 0, norm_expected = 0;

  void add(int64_t i, double a, double e, const ElementCheck& check) {
    // Errors stay finite so they survive JSON; NaN/Inf misplacements show in mismatches and the note.
    if (std::isfinite(check.abs_error)) {
      max_abs = std::max(max_abs, check.abs_error);
      if (e != 0) max_rel = std::max(max_rel, check.abs_error / std::fabs(e));
    }
    if (!check.matches) {
      ++mismatches;
      if (check.abs_error > worst_error) worst = i, worst_error = check.abs_error;
    }
    if (std::isfinite(a) && std::isfinite(e)) {
      dot += static_cast<long double>(a) * e;
      norm_actual += static_cast<long double>(a) * a;
      norm_expected += static_cast<long double>(e) * e;
    }
  }

  double cosine() const {
    if (norm_actual == 0 && norm_expected == 0) return 1;
    if (norm_actual == 0 || norm_expected == 0) return 0;
    return static_cast<double>(dot / (std::sqrt(norm_actual) * std::sqrt(norm_expected)));
  }
};

OutputComparison structural_mismatch(const Tensor& actual, const Tensor& expected, std::string note) {
  OutputComparison c;
  c.name = expected.name().empty() ? actual.name() : expected.name();
  c.elements = expected.element_count();
  c.mismatches = c.elements;
  c.cosine_similarity = 0;
  c.passed = false;
  c.note = std::move(note);
  return c;
}

}  // namespace

OutputComparison compare_tensors(const Tensor& actual, const Tensor& expected, Tolerance tolerance) {
  if (actual.dtype() != expected.dtype()) {
    return structural_mismatch(
        actual, expected,
        fmt::format("dtype {} where {} was expected", dtype_name(actual.dtype()), dtype_name(expected.dtype())));
  }
  if (actual.shape() != expected.shape()) {
    return structural_mismatch(
        actual, expected,
        fmt::format("shape {} where {} was expected", format_shape(actual.shape()), format_shape(expected.shape())));
  }
  const bool floating = is_floating(expected.dtype());
  const size_t element_size = dtype_size(expected.dtype());
  Accumulator acc;
  for (int64_t i = 0; i < expected.element_count(); ++i) {
    const double a = actual.value_at(i), e = expected.value_at(i);
    ElementCheck check;
    if (floating) {
      check = check_floating(a, e, tolerance);
    } else if (std::memcmp(actual.bytes().data() + i * element_size, expected.bytes().data() + i * element_size,
                           element_size) != 0) {
      check.abs_error = integer_difference(actual, expected, i);
      check.matches = check.abs_error <= tolerance.atol + tolerance.rtol * std::fabs(e);
    }
    acc.add(i, a, e, check);
  }
  OutputComparison c;
  c.name = expected.name().empty() ? actual.name() : expected.name();
  c.elements = expected.element_count();
  c.max_abs_error = acc.max_abs;
  c.max_rel_error = acc.max_rel;
  c.mismatches = acc.mismatches;
  c.cosine_similarity = acc.cosine();
  c.passed = acc.mismatches == 0;
  if (!c.passed) {
    c.note = fmt::format("{} of {} elements differ; worst at {}: got {}, expected {}", acc.mismatches, c.elements,
                         format_index(expected.shape(), acc.worst), actual.value_at(acc.worst),
                         expected.value_at(acc.worst));
  }
  return c;
}

AccuracyVerdict compare_outputs(const std::vector<Tensor>& actual, const std::vector<Tensor>& expected,
                                const ToleranceFn& tolerance_for) {
  AccuracyVerdict verdict;
  bool tolerance_recorded = false;
  const size_t count = std::max(actual.size(), expected.size());
  for (size_t i = 0; i < count; ++i) {
    OutputComparison c;
    if (i < actual.size() && i < expected.size()) {
      const Tolerance tolerance = tolerance_for(expected[i].dtype());
      // The verdict records the floating-point tolerance when there is one: integers are exact anyway.
      if (!tolerance_recorded || is_floating(expected[i].dtype())) {
        verdict.atol = tolerance.atol, verdict.rtol = tolerance.rtol;
        tolerance_recorded = is_floating(expected[i].dtype());
      }
      c = compare_tensors(actual[i], expected[i], tolerance);
    } else {
      c.name = i < expected.size() ? expected[i].name() : actual[i].name();
      c.passed = false;
      c.cosine_similarity = 0;
      c.note = i < expected.size() ? "output missing" : "unexpected extra output";
    }
    verdict.passed = verdict.passed && c.passed;
    verdict.outputs.push_back(std::move(c));
  }
  return verdict;
}

}  // namespace inferfoundry
