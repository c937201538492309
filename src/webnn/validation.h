#pragma once
// Internal to src/webnn: option parsing and the spec's validation rules, shared by the operation files.
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/error.h"
#include "webnn/operand.h"

namespace inferfoundry::webnn {

// Sets of data types. Vectors, not initializer_lists: tables keep them, and a stored initializer_list
// would outlive its array.
using DTypes = std::vector<DType>;
inline constexpr DType kF32 = DType::kFloat32;
inline constexpr DType kF16 = DType::kFloat16;
inline constexpr DType kI8 = DType::kInt8;
inline constexpr DType kU8 = DType::kUInt8;
inline constexpr DType kI32 = DType::kInt32;
inline constexpr DType kU32 = DType::kUInt32;
inline constexpr DType kI64 = DType::kInt64;
inline constexpr DType kU64 = DType::kUInt64;
inline const DTypes kFloats = {kF32, kF16};
inline const DTypes kAllTypes = {kF32, kF16, kI8, kU8, kI32, kU32, kI64, kU64};
inline const DTypes kSignedNumbers = {kF32, kF16, kI8, kI32, kI64};

std::string format_types(const DTypes& types);

// The data types each operation accepts for its main operand, by the spec's operation name
// (operations.cc); throws Error(kInternal) for a name it does not list.
const std::map<std::string, DTypes>& operation_input_types();
const DTypes& operation_input_types(const std::string& op);

// One operation's view of its arguments: reads its options (rejecting unknown keys and wrong value types)
// and throws Error(kUsage) messages that name the operation, its label and the offending operand.
class OpCheck {
 public:
  OpCheck(std::string op, const MLOptions& options, const std::vector<std::string_view>& keys);

  const std::string& op() const { return op_; }
  std::string where() const;  // "conv2d" or "conv2d 'label'"

  template <typename... Args>
  [[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) const {
    throw Error(ErrorKind::kUsage, where() + ": " + fmt::format(format, std::forward<Args>(args)...));
  }

  void dtype(const std::string& role, const MLOperand& operand, const DTypes& allowed) const;
  // The main operand against the operation's entry in operation_input_types().
  void input_dtype(const std::string& role, const MLOperand& operand) const {
    dtype(role, operand, operation_input_types(op_));
  }
  void same_dtype(const std::string& role, const MLOperand& operand, DType expected) const;
  void rank(const std::string& role, const MLOperand& operand, size_t expected) const;
  void shape(const std::string& role, const MLOperand& operand, const Shape& expected) const;
  // Checks an axis is in [0, rank) (the spec's axes are unsigned) and returns it.
  int64_t axis(const std::string& role, int64_t axis, size_t rank) const;
  // Checks axes are in [0, rank) and distinct.
  void axes(const std::string& role, const std::vector<int64_t>& axes, size_t rank) const;
  Shape broadcast(const Shape& a, const Shape& b) const;
  // Unidirectional broadcasting: `from` must broadcast to `to`.
  void broadcastable_to(const std::string& role, const Shape& from, const Shape& to) const;

  bool has(const std::string& key) const;
  bool get_bool(const std::string& key, bool fallback) const;
  int64_t get_int(const std::string& key, int64_t fallback) const;
  double get_double(const std::string& key, double fallback) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  std::string get_enum(const std::string& key, const std::string& fallback,
                       std::initializer_list<std::string_view> allowed) const;
  std::vector<int64_t> get_ints(const std::string& key, const std::vector<int64_t>& fallback) const;
  std::optional<std::vector<int64_t>> get_ints(const std::string& key) const;
  std::optional<std::vector<double>> get_doubles(const std::string& key) const;
  std::optional<MLOperand> get_operand(const std::string& key) const;
  std::vector<std::string> get_strings(const std::string& key, const std::vector<std::string>& fallback) const;

 private:
  const MLOptionValue* find(const std::string& key) const;
  std::string op_;
  const MLOptions& options_;
  std::string label_;
};

std::string describe(const MLOperand& operand);  // "'x' (float32 2x3)"

}  // namespace inferfoundry::webnn
