// The output comparison: tolerances, ties at the boundary, NaN and Inf placement, empty tensors, shape and
// dtype mismatches, and every dtype the tensors support.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "bench/accuracy.h"
#include "core/error.h"
#include "core/float16.h"

namespace inferfoundry {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A tensor of this dtype holding `values` (converted to the element type).
Tensor make(DType dtype, const std::vector<double>& values, Shape shape = {}) {
  if (shape.empty()) shape = {static_cast<int64_t>(values.size())};
  Tensor t("t", dtype, shape);
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    switch (dtype) {
      case DType::kFloat32:
        t.data<float>()[i] = static_cast<float>(v);
        break;
      case DType::kFloat64:
        t.data<double>()[i] = v;
        break;
      case DType::kFloat16:
        t.data<uint16_t>()[i] = float_to_half(static_cast<float>(v));
        break;
      case DType::kBFloat16:
        t.data<uint16_t>()[i] = float_to_bfloat16(static_cast<float>(v));
        break;
      case DType::kInt8:
        t.data<int8_t>()[i] = static_cast<int8_t>(v);
        break;
      case DType::kUInt8:
        t.data<uint8_t>()[i] = static_cast<uint8_t>(v);
        break;
      case DType::kInt16:
        t.data<int16_t>()[i] = static_cast<int16_t>(v);
        break;
      case DType::kUInt16:
        t.data<uint16_t>()[i] = static_cast<uint16_t>(v);
        break;
      case DType::kInt32:
        t.data<int32_t>()[i] = static_cast<int32_t>(v);
        break;
      case DType::kUInt32:
        t.data<uint32_t>()[i] = static_cast<uint32_t>(v);
        break;
      case DType::kInt64:
        t.data<int64_t>()[i] = static_cast<int64_t>(v);
        break;
      case DType::kUInt64:
        t.data<uint64_t>()[i] = static_cast<uint64_t>(v);
        break;
      case DType::kBool:
        t.data<uint8_t>()[i] = v != 0;
        break;
      default:
        throw std::logic_error("dtype not covered by the test helper");
    }
  }
  return t;
}

constexpr Tolerance kExact{0, 0};

TEST(CompareTensors, IdenticalTensorsPassWithZeroErrorAndCosineOne) {
  const auto a = make(DType::kFloat32, {1, -2, 3.5});
  const auto c = compare_tensors(a, a, kExact);
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.mismatches, 0);
  EXPECT_EQ(c.elements, 3);
  EXPECT_EQ(c.max_abs_error, 0);
  EXPECT_EQ(c.max_rel_error, 0);
  EXPECT_DOUBLE_EQ(c.cosine_similarity, 1);
  EXPECT_TRUE(c.note.empty());
}

TEST(CompareTensors, ErrorExactlyAtToleranceIsATieThatPasses) {
  // Values exactly representable in binary so the boundary is exact: |1.5 - 1| = 0.25 + 0.25 * 1.
  const auto expected = make(DType::kFloat64, {1.0});
  EXPECT_TRUE(compare_tensors(make(DType::kFloat64, {1.5}), expected, {0.25, 0.25}).passed);
  EXPECT_FALSE(compare_tensors(make(DType::kFloat64, {1.5000001}), expected, {0.25, 0.25}).passed);
}

TEST(CompareTensors, RelativeToleranceScalesWithTheExpectedValueNotTheActual) {
  // allclose is asymmetric: |a - e| <= atol + rtol * |e|.
  const Tolerance tolerance{0, 0.5};
  EXPECT_TRUE(compare_tensors(make(DType::kFloat64, {150}), make(DType::kFloat64, {100}), tolerance).passed);
  EXPECT_FALSE(compare_tensors(make(DType::kFloat64, {100}), make(DType::kFloat64, {201}), tolerance).passed);
}

TEST(CompareTensors, ReportsWorstErrorsMismatchCountAndWhere) {
  const auto expected = make(DType::kFloat32, {1, 2, 3, 4, 5, 6}, {2, 3});
  const auto actual = make(DType::kFloat32, {1, 2.5, 3, 4, 5, 4}, {2, 3});
  const auto c = compare_tensors(actual, expected, {0.1, 0});
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.mismatches, 2);
  EXPECT_DOUBLE_EQ(c.max_abs_error, 2);
  EXPECT_DOUBLE_EQ(c.max_rel_error, 2.0 / 6);  // 2 / 6 beats 0.5 / 2
  EXPECT_NE(c.note.find("2 of 6 elements differ"), std::string::npos) << c.note;
  EXPECT_NE(c.note.find("worst at [1, 2]: got 4, expected 6"), std::string::npos) << c.note;
  EXPECT_LT(c.cosine_similarity, 1);
  EXPECT_GT(c.cosine_similarity, 0.9);
}

TEST(CompareTensors, NaNEqualsNaNOnlyWhereBothHaveIt) {
  const auto expected = make(DType::kFloat32, {kNaN, 1, 2});
  EXPECT_TRUE(compare_tensors(make(DType::kFloat32, {kNaN, 1, 2}), expected, kExact).passed);

  const auto missing = compare_tensors(make(DType::kFloat32, {0, 1, 2}), expected, {1e9, 1e9});
  EXPECT_FALSE(missing.passed) << "no tolerance makes a number equal to NaN";
  EXPECT_EQ(missing.mismatches, 1);
  EXPECT_NE(missing.note.find("expected nan"), std::string::npos) << missing.note;

  const auto extra = compare_tensors(make(DType::kFloat32, {kNaN, kNaN, 2}), expected, {1e9, 1e9});
  EXPECT_FALSE(extra.passed);
  EXPECT_EQ(extra.mismatches, 1);
  EXPECT_NE(extra.note.find("[1]: got nan"), std::string::npos) << extra.note;
  EXPECT_TRUE(std::isfinite(extra.max_abs_error)) << "errors stay finite for JSON";
}

TEST(CompareTensors, InfinityMatchesOnlyTheSameInfinity) {
  const auto expected = make(DType::kFloat64, {kInf, -kInf, 1});
  EXPECT_TRUE(compare_tensors(make(DType::kFloat64, {kInf, -kInf, 1}), expected, kExact).passed);
  const auto flipped = compare_tensors(make(DType::kFloat64, {-kInf, -kInf, 1}), expected, {1e300, 1e300});
  EXPECT_FALSE(flipped.passed);
  EXPECT_EQ(flipped.mismatches, 1);
  const auto finite = compare_tensors(make(DType::kFloat64, {1e308, -kInf, 1}), expected, {kInf, 0});
  EXPECT_FALSE(finite.passed) << "even an infinite atol does not make a finite value equal infinity";
  EXPECT_EQ(finite.max_abs_error, 0) << "non-finite pairs are counted, not folded into the error figures";
}

TEST(CompareTensors, EmptyTensorsOfTheSameShapePass) {
  const Tensor a("t", DType::kFloat32, {0, 3});
  const auto c = compare_tensors(a, a, kExact);
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.elements, 0);
  EXPECT_DOUBLE_EQ(c.cosine_similarity, 1);
  EXPECT_FALSE(
      compare_tensors(Tensor("t", DType::kFloat32, {0, 3}), Tensor("t", DType::kFloat32, {3, 0}), kExact).passed);
}

TEST(CompareTensors, ScalarsCompare) {
  const auto c = compare_tensors(make(DType::kFloat32, {2}, {}), make(DType::kFloat32, {3}, {}), kExact);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.elements, 1);
}

TEST(CompareTensors, ShapeMustMatchExactlyEvenWithTheSameElementCount) {
  const auto c =
      compare_tensors(make(DType::kFloat32, {1, 2, 3, 4}, {2, 2}), make(DType::kFloat32, {1, 2, 3, 4}, {4}), {1, 1});
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.mismatches, 4);
  EXPECT_NE(c.note.find("shape 2x2 where 4 was expected"), std::string::npos) << c.note;
}

TEST(CompareTensors, DTypeMustMatchExactly) {
  const auto c = compare_tensors(make(DType::kFloat64, {1, 2}), make(DType::kFloat32, {1, 2}), {1, 1});
  EXPECT_FALSE(c.passed);
  EXPECT_NE(c.note.find("dtype float64 where float32 was expected"), std::string::npos) << c.note;
}

TEST(CompareTensors, ZeroVectorsHaveCosineOneAndOneSidedZeroCosineZero) {
  const auto zeros = make(DType::kFloat32, {0, 0});
  EXPECT_DOUBLE_EQ(compare_tensors(zeros, zeros, kExact).cosine_similarity, 1);
  EXPECT_DOUBLE_EQ(compare_tensors(make(DType::kFloat32, {1, 0}), zeros, {10, 0}).cosine_similarity, 0);
  EXPECT_NEAR(
      compare_tensors(make(DType::kFloat32, {-1, -2}), make(DType::kFloat32, {1, 2}), {10, 0}).cosine_similarity, -1,
      1e-12);
}

TEST(CompareTensors, RelativeErrorSkipsZeroExpectedValues) {
  const auto c = compare_tensors(make(DType::kFloat64, {0.5, 2.2}), make(DType::kFloat64, {0, 2}), kExact);
  EXPECT_DOUBLE_EQ(c.max_abs_error, 0.5);
  EXPECT_NEAR(c.max_rel_error, 0.1, 1e-12);
}

class EveryDType : public ::testing::TestWithParam<DType> {};

TEST_P(EveryDType, EqualPassesAndAOneUnitDifferenceFailsWithoutTolerance) {
  const DType dtype = GetParam();
  const auto expected = make(dtype, {0, 1, 1, 0});
  EXPECT_TRUE(compare_tensors(make(dtype, {0, 1, 1, 0}), expected, kExact).passed) << dtype_name(dtype);
  const auto c = compare_tensors(make(dtype, {0, 1, 0, 0}), expected, kExact);
  EXPECT_FALSE(c.passed) << dtype_name(dtype);
  EXPECT_EQ(c.mismatches, 1);
  EXPECT_DOUBLE_EQ(c.max_abs_error, 1);
  EXPECT_NE(c.note.find("worst at [2]"), std::string::npos) << c.note;
  EXPECT_TRUE(compare_tensors(make(dtype, {0, 1, 0, 0}), expected, {1, 0}).passed) << dtype_name(dtype);
}

INSTANTIATE_TEST_SUITE_P(Accuracy, EveryDType,
                         ::testing::Values(DType::kFloat32, DType::kFloat64, DType::kFloat16, DType::kBFloat16,
                                           DType::kInt8, DType::kUInt8, DType::kInt16, DType::kUInt16, DType::kInt32,
                                           DType::kUInt32, DType::kInt64, DType::kUInt64, DType::kBool),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

TEST(CompareTensors, SixtyFourBitIntegersCompareExactlyBeyondDoublePrecision) {
  Tensor a("t", DType::kInt64, {1}), b("t", DType::kInt64, {1});
  a.data<int64_t>()[0] = (int64_t{1} << 60) + 1;
  b.data<int64_t>()[0] = int64_t{1} << 60;  // the same double as a
  const auto c = compare_tensors(a, b, kExact);
  EXPECT_FALSE(c.passed);
  EXPECT_DOUBLE_EQ(c.max_abs_error, 1);

  Tensor u("t", DType::kUInt64, {1}), v("t", DType::kUInt64, {1});
  u.data<uint64_t>()[0] = std::numeric_limits<uint64_t>::max();
  v.data<uint64_t>()[0] = std::numeric_limits<uint64_t>::max() - 1;
  EXPECT_FALSE(compare_tensors(u, v, kExact).passed);

  Tensor lo("t", DType::kInt64, {1}), hi("t", DType::kInt64, {1});
  lo.data<int64_t>()[0] = std::numeric_limits<int64_t>::min();
  hi.data<int64_t>()[0] = std::numeric_limits<int64_t>::max();
  EXPECT_GT(compare_tensors(lo, hi, kExact).max_abs_error, 1.8e19) << "no overflow in the difference";
}

TEST(CompareTensors, HalfPrecisionNaNAndSignedZero) {
  const auto c = compare_tensors(make(DType::kFloat16, {kNaN, -0.0}), make(DType::kFloat16, {kNaN, 0.0}), kExact);
  EXPECT_TRUE(c.passed) << c.note;
}

TEST(Tolerances, BackendTestDefaults) {
  EXPECT_DOUBLE_EQ(backend_test_tolerance(DType::kFloat32).rtol, 1e-3);
  EXPECT_DOUBLE_EQ(backend_test_tolerance(DType::kFloat32).atol, 1e-7);
  EXPECT_DOUBLE_EQ(backend_test_tolerance(DType::kFloat16).rtol, 1e-3);
  EXPECT_DOUBLE_EQ(backend_test_tolerance(DType::kInt64).atol, 0);
  EXPECT_DOUBLE_EQ(backend_test_tolerance(DType::kBool).rtol, 0);
}

TEST(Tolerances, LowerPrecisionIsLooserAndIntegersStayExact) {
  const auto fp32 = precision_tolerance(Precision::kFp32, DType::kFloat32);
  const auto fp16 = precision_tolerance(Precision::kFp16, DType::kFloat16);
  const auto int8 = precision_tolerance(Precision::kInt8, DType::kFloat32);
  EXPECT_LT(fp32.atol, fp16.atol);
  EXPECT_LT(fp32.rtol, fp16.rtol);
  EXPECT_LT(fp16.atol, int8.atol);
  EXPECT_EQ(precision_tolerance(Precision::kFp16, DType::kInt64).atol, 0);
  const auto bf16 = precision_tolerance(Precision::kBf16, DType::kFloat32);
  EXPECT_LT(fp16.rtol, bf16.rtol) << "bfloat16 keeps fewer significant bits than float16";
  EXPECT_LE(bf16.atol, int8.atol);
}

TEST(Tolerances, OverridesReplaceOnlyWhatIsGiven) {
  ToleranceOverride user;
  user.rtol = 0.5;
  const Tolerance t = user.apply({1e-4, 1e-3});
  EXPECT_DOUBLE_EQ(t.atol, 1e-4);
  EXPECT_DOUBLE_EQ(t.rtol, 0.5);
}

TEST(CompareOutputs, MissingAndExtraOutputsFailTheVerdict) {
  const auto x = make(DType::kFloat32, {1});
  const auto exact = [](DType) { return kExact; };
  const auto missing = compare_outputs({x}, {x, x}, exact);
  EXPECT_FALSE(missing.passed);
  ASSERT_EQ(missing.outputs.size(), 2u);
  EXPECT_EQ(missing.outputs[1].note, "output missing");
  const auto extra = compare_outputs({x, x}, {x}, exact);
  EXPECT_FALSE(extra.passed);
  EXPECT_EQ(extra.outputs[1].note, "unexpected extra output");
  EXPECT_TRUE(compare_outputs({x, x}, {x, x}, exact).passed);
}

TEST(CompareOutputs, EachOutputGetsTheToleranceOfItsDtypeAndTheVerdictRecordsTheFloatingOne) {
  const auto floats = make(DType::kFloat32, {1.0});
  const auto ints = make(DType::kInt64, {3});
  const auto verdict = compare_outputs({ints, make(DType::kFloat32, {1.015})}, {ints, floats},
                                       [](DType dtype) { return precision_tolerance(Precision::kFp16, dtype); });
  EXPECT_TRUE(verdict.passed);
  EXPECT_DOUBLE_EQ(verdict.atol, 1e-2);
  EXPECT_DOUBLE_EQ(verdict.rtol, 1e-2);
  const auto off_by_one = compare_outputs({make(DType::kInt64, {4})}, {ints},
                                          [](DType dtype) { return precision_tolerance(Precision::kInt8, dtype); });
  EXPECT_FALSE(off_by_one.passed) << "integer outputs are exact at any precision";
}

}  // namespace
}  // namespace inferfoundry
