#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/checked_math.h"
#include "core/dtype.h"
#include "core/error.h"
#include "core/float16.h"
#include "core/option_values.h"
#include "core/precision.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "core/terminal_text.h"

namespace inferfoundry {
namespace {

TEST(Shape, ParsesAndFormats) {
  EXPECT_EQ(parse_shape("1x3x224x224"), (Shape{1, 3, 224, 224}));
  EXPECT_EQ(parse_shape("8"), (Shape{8}));
  EXPECT_EQ(format_shape({1, 128}), "1x128");
  EXPECT_EQ(format_shape({}), "scalar");
  EXPECT_EQ(element_count({2, 3, 4}), 24);
  EXPECT_EQ(element_count({}), 1);
  EXPECT_EQ(element_count({2, 0}), 0);
}

TEST(Shape, RejectsGarbage) {
  for (const char* bad : {"", "1x", "x1", "1xa", "-1x3", "1.5", "1x3x"}) {
    try {
      parse_shape(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << bad;
    }
  }
}

TEST(CheckedMath, ProductsAndSumsThatWrapAreRefused) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(checked_mul(1 << 20, 1 << 20), int64_t{1} << 40);
  EXPECT_FALSE(checked_mul(int64_t{1} << 32, int64_t{1} << 31));
  EXPECT_FALSE(checked_add(std::numeric_limits<uint64_t>::max(), uint64_t{1}));
  EXPECT_FALSE(checked_add(kMax, int64_t{1}));
  EXPECT_EQ(checked_add(int64_t{-5}, int64_t{3}), -2);
  EXPECT_EQ(checked_byte_size({2, 3}, 4, "x"), 24u);
  // 1501199875790166 x 3 x 32 x 32 x 4 bytes wraps int64: the count that crashed the harness before.
  EXPECT_THROW(checked_byte_size({1501199875790166, 3, 32, 32}, 4, "image"), Error);
  EXPECT_THROW(checked_element_count({int64_t{1} << 62, 4}, "x"), Error);
  EXPECT_THROW(checked_element_count({2, -1}, "x"), Error);
  EXPECT_THROW(element_count({int64_t{1} << 40, int64_t{1} << 40}), Error);
}

TEST(CheckedMath, NumbersFromFilesParseStrictly) {
  EXPECT_EQ(parse_non_negative_int("0"), 0);
  EXPECT_EQ(parse_non_negative_int("9223372036854775807"), std::numeric_limits<int64_t>::max());
  for (const char* bad : {"", "abc", "12abc", "-1", "+1", " 1", "99999999999999999999", "1e3"}) {
    EXPECT_FALSE(parse_non_negative_int(bad)) << bad;
  }
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(uint64_t{4} << 30), "4.0 GiB");
}

TEST(Tensor, ShapeWhoseByteSizeWrapsIsAnInputErrorNotATinyBuffer) {
  // 2^62 float32 elements: the byte count wraps to 0 in size_t arithmetic.
  try {
    Tensor t("x", DType::kFloat32, {int64_t{1} << 62});
    ADD_FAILURE() << "allocated " << t.byte_size() << " bytes";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
  }
}

TEST(TerminalText, ControlBytesAndEscapeSequencesAreShownNotSent) {
  EXPECT_EQ(terminal_text("plain ünïcode \\ path/x.onnx"), "plain ünïcode \\ path/x.onnx");
  EXPECT_EQ(terminal_text("two\nlines\ttab\r"), "two\\x0alines\\x09tab\\x0d");
  EXPECT_EQ(terminal_text("\x1b[2J\x1b]8;;https://evil\x07link\x1b]8;;\x07"),
            "\\x1b[2J\\x1b]8;;https://evil\\x07link\\x1b]8;;\\x07");
  EXPECT_EQ(terminal_text("del\x7f"), "del\\x7f");
  EXPECT_EQ(terminal_text("csi\xc2\x9b"
                          "31m"),
            "csi\\xc2\\x9b31m");  // U+009B, the 8-bit CSI
  EXPECT_EQ(terminal_text("bad\xff\xfe utf8 \xe2\x82"), "bad\\xff\\xfe utf8 \\xe2\\x82");
  EXPECT_EQ(terminal_text("\xf0\x9f\x98\x80 kept"), "\xf0\x9f\x98\x80 kept");  // an emoji is printable
}

TEST(DType, NamesRoundTrip) {
  for (DType t : {DType::kFloat32, DType::kFloat16, DType::kInt64, DType::kUInt8, DType::kBool, DType::kBFloat16}) {
    EXPECT_EQ(dtype_from_name(dtype_name(t)), t);
  }
  EXPECT_EQ(dtype_size(DType::kFloat16), 2u);
  EXPECT_EQ(dtype_size(DType::kString), 0u);
  EXPECT_FALSE(dtype_from_onnx(99).has_value());
  EXPECT_EQ(dtype_from_onnx(7), DType::kInt64);
}

TEST(Float16, RoundTripsRepresentableValues) {
  for (float v : {0.0f, 1.0f, -2.5f, 65504.0f, 6.103515625e-05f, 5.960464477539063e-08f}) {
    EXPECT_EQ(half_to_float(float_to_half(v)), v) << v;
  }
  EXPECT_TRUE(std::isinf(half_to_float(float_to_half(1e6f))));
  EXPECT_TRUE(std::isnan(half_to_float(float_to_half(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000);
  // 1 + 2^-11 is halfway between 1 and the next half; round to even keeps 1.
  EXPECT_EQ(float_to_half(1.0f + 1.0f / 2048), 0x3c00);
}

TEST(Float16, BFloat16) {
  EXPECT_EQ(bfloat16_to_float(float_to_bfloat16(1.0f)), 1.0f);
  EXPECT_EQ(bfloat16_to_float(float_to_bfloat16(-3.0f)), -3.0f);
  EXPECT_NEAR(bfloat16_to_float(float_to_bfloat16(3.14159f)), 3.14159f, 0.02f);
}

TEST(Tensor, AllocatesAndReadsValues) {
  Tensor t("x", DType::kInt32, {2, 3});
  EXPECT_EQ(t.byte_size(), 24u);
  t.data<int32_t>()[4] = -7;
  EXPECT_EQ(t.value_at(4), -7.0);
  EXPECT_EQ(t.value_at(0), 0.0);
}

TEST(Tensor, RejectsNegativeDimsAndStrings) {
  EXPECT_THROW(Tensor("x", DType::kFloat32, {-1}), Error);
  EXPECT_THROW(Tensor("s", DType::kString, {1}), Error);
}

TEST(ExitCodes, AreDistinctPerKind) {
  EXPECT_EQ(exit_code_for(ErrorKind::kUsage), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::kInput), 3);
  EXPECT_EQ(exit_code_for(ErrorKind::kRuntime), 4);
  EXPECT_EQ(exit_code_for(ErrorKind::kOutput), 5);
  EXPECT_EQ(exit_code_for(ErrorKind::kUnavailable), 7);
}

TEST(Precision, NamesRoundTripAndUnknownNamesAreUsageErrors) {
  for (Precision p : {Precision::kFp32, Precision::kFp16, Precision::kBf16, Precision::kInt8}) {
    EXPECT_EQ(precision_from_name(precision_name(p)), p);
    EXPECT_EQ(parse_precision(precision_name(p)), p);
  }
  EXPECT_FALSE(precision_from_name("FP16"));
  try {
    parse_precision("fp8");
    FAIL() << "fp8 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("bf16"), std::string::npos) << "the error lists the valid names";
  }
}

TEST(Precision, LessExactOrdersFp32Fp16Bf16Int8) {
  EXPECT_EQ(less_exact(Precision::kFp32, Precision::kFp16), Precision::kFp16);
  EXPECT_EQ(less_exact(Precision::kFp16, Precision::kFp32), Precision::kFp16);
  EXPECT_EQ(less_exact(Precision::kFp16, Precision::kBf16), Precision::kBf16);
  EXPECT_EQ(less_exact(Precision::kInt8, Precision::kBf16), Precision::kInt8);
  EXPECT_EQ(less_exact(Precision::kFp32, Precision::kFp32), Precision::kFp32);
}

TEST(OptionValues, KeyValuePairsSplitAtTheFirstEqualsSign) {
  EXPECT_EQ(parse_key_value("a=b=c"), (std::pair<std::string, std::string>{"a", "b=c"}));
  EXPECT_EQ(parse_key_value("empty="), (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_THROW(parse_key_value("=x"), Error);
  EXPECT_THROW(parse_key_value("novalue"), Error);
  const auto values = parse_key_values({"tf32=1", "layout=nchw"});
  EXPECT_EQ(values.at("tf32"), "1");
  EXPECT_EQ(values.at("layout"), "nchw");
  EXPECT_THROW(parse_key_values({"tf32=1", "tf32=0"}), Error) << "a key given twice is ambiguous";
}

TEST(OptionValues, BooleansAcceptTheUsualSpellingsOnly) {
  for (const char* yes : {"1", "true", "on", "yes"}) EXPECT_TRUE(parse_bool_value(yes, "x")) << yes;
  for (const char* no : {"0", "false", "off", "no"}) EXPECT_FALSE(parse_bool_value(no, "x")) << no;
  for (const char* bad : {"", "2", "TRUE ", "maybe"}) {
    try {
      parse_bool_value(bad, "runtime 'r': option k");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      EXPECT_NE(std::string(e.what()).find("option k"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace inferfoundry
