#include "webnn/validation.h"

#include <algorithm>

#include <fmt/ranges.h>

namespace inferfoundry::webnn {

std::string format_types(const DTypes& types) {
  std::vector<std::string_view> names;
  for (DType type : types) names.push_back(dtype_name(type));
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string describe(const MLOperand& operand) {
  return fmt::format("'{}' ({} {})", operand.name(), dtype_name(operand.data_type()), format_shape(operand.shape()));
}

OpCheck::OpCheck(std::string op, const MLOptions& options, const std::vector<std::string_view>& keys)
    : op_(std::move(op)), options_(options) {
  if (const auto* label = find("label")) {
    if (const auto* text = std::get_if<std::string>(label)) label_ = *text;
  }
  for (const auto& [key, value] : options_) {
    if (key == "label") continue;
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      const auto& known = keys;
      fail("unknown option '{}'{}", key,
           known.empty() ? std::string(" (this operation takes only 'label')")
                         : fmt::format(" (valid: {})", fmt::join(known, ", ")));
    }
  }
}

std::string OpCheck::where() const { return label_.empty() ? op_ : fmt::format("{} '{}'", op_, label_); }

void OpCheck::dtype(const std::string& role, const MLOperand& operand, const DTypes& allowed) const {
  if (std::find(allowed.begin(), allowed.end(), operand.data_type()) == allowed.end()) {
    fail("{} {} has data type {}; allowed: {}", role, describe(operand), dtype_name(operand.data_type()),
         format_types(allowed));
  }
}

void OpCheck::same_dtype(const std::string& role, const MLOperand& operand, DType expected) const {
  if (operand.data_type() != expected) {
    fail("{} {} must have data type {} like the input", role, describe(operand), dtype_name(expected));
  }
}

void OpCheck::rank(const std::string& role, const MLOperand& operand, size_t expected) const {
  if (operand.rank() != expected)
    fail("{} {} must have rank {}, not {}", role, describe(operand), expected, operand.rank());
}

void OpCheck::shape(const std::string& role, const MLOperand& operand, const Shape& expected) const {
  if (operand.shape() != expected) fail("{} {} must have shape {}", role, describe(operand), format_shape(expected));
}

int64_t OpCheck::axis(const std::string& role, int64_t value, size_t rank) const {
  if (value < 0 || value >= static_cast<int64_t>(rank)) fail("{} {} is outside [0, {})", role, value, rank);
  return value;
}

void OpCheck::axes(const std::string& role, const std::vector<int64_t>& values, size_t rank) const {
  std::set<int64_t> seen;
  for (int64_t value : values) {
    if (value < 0 || value >= static_cast<int64_t>(rank)) fail("{} contains {}, outside [0, {})", role, value, rank);
    if (!seen.insert(value).second) fail("{} contains {} twice", role, value);
  }
}

Shape OpCheck::broadcast(const Shape& a, const Shape& b) const {
  const size_t rank = std::max(a.size(), b.size());
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      fail("shapes {} and {} are not broadcastable (dimension {}: {} vs {})", format_shape(a), format_shape(b), i, da,
           db);
    }
    result[i] = da == 1 ? db : da;
  }
  return result;
}

void OpCheck::broadcastable_to(const std::string& role, const Shape& from, const Shape& to) const {
  bool ok = from.size() <= to.size();
  for (size_t i = 0; ok && i < from.size(); ++i) {
    const int64_t d = from[from.size() - 1 - i];
    ok = d == 1 || d == to[to.size() - 1 - i];
  }
  if (!ok) fail("{} of shape {} cannot be broadcast to {}", role, format_shape(from), format_shape(to));
}

const MLOptionValue* OpCheck::find(const std::string& key) const {
  auto it = options_.find(key);
  return it == options_.end() ? nullptr : &it->second;
}

bool OpCheck::has(const std::string& key) const { return find(key) != nullptr; }

bool OpCheck::get_bool(const std::string& key, bool fallback) const {
  const auto* value = find(key);
  if (!value) return fallback;
  if (const auto* b = std::get_if<bool>(value)) return *b;
  fail("option '{}' must be a boolean", key);
}

int64_t OpCheck::get_int(const std::string& key, int64_t fallback) const {
  const auto* value = find(key);
  if (!value) return fallback;
  if (const auto* i = std::get_if<int64_t>(value)) return *i;
  fail("option '{}' must be an integer", key);
}

double OpCheck::get_double(const std::string& key, double fallback) const {
  const auto* value = find(key);
  if (!value) return fallback;
  if (const auto* d = std::get_if<double>(value)) return *d;
  if (const auto* i = std::get_if<int64_t>(value)) return static_cast<double>(*i);
  fail("option '{}' must be a number", key);
}

std::string OpCheck::get_string(const std::string& key, const std::string& fallback) const {
  const auto* value = find(key);
  if (!value) return fallback;
  if (const auto* s = std::get_if<std::string>(value)) return *s;
  fail("option '{}' must be a string", key);
}

std::string OpCheck::get_enum(const std::string& key, const std::string& fallback,
                              std::initializer_list<std::string_view> allowed) const {
  std::string value = get_string(key, fallback);
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    fail("option '{}' is '{}'; allowed: {}", key, value, fmt::join(allowed, ", "));
  }
  return value;
}

std::optional<std::vector<int64_t>> OpCheck::get_ints(const std::string& key) const {
  const auto* value = find(key);
  if (!value) return std::nullopt;
  if (const auto* list = std::get_if<std::vector<int64_t>>(value)) return *list;
  // An empty Python list arrives without element type.
  if (const auto* list = std::get_if<std::vector<double>>(value); list && list->empty()) return std::vector<int64_t>{};
  fail("option '{}' must be a list of integers", key);
}

std::vector<int64_t> OpCheck::get_ints(const std::string& key, const std::vector<int64_t>& fallback) const {
  return get_ints(key).value_or(fallback);
}

std::optional<std::vector<double>> OpCheck::get_doubles(const std::string& key) const {
  const auto* value = find(key);
  if (!value) return std::nullopt;
  if (const auto* list = std::get_if<std::vector<double>>(value)) return *list;
  if (const auto* list = std::get_if<std::vector<int64_t>>(value))
    return std::vector<double>(list->begin(), list->end());
  fail("option '{}' must be a list of numbers", key);
}

std::optional<MLOperand> OpCheck::get_operand(const std::string& key) const {
  const auto* value = find(key);
  if (!value) return std::nullopt;
  if (const auto* operand = std::get_if<MLOperand>(value); operand && operand->valid()) return *operand;
  fail("option '{}' must be an operand", key);
}

std::vector<std::string> OpCheck::get_strings(const std::string& key, const std::vector<std::string>& fallback) const {
  const auto* value = find(key);
  if (!value) return fallback;
  if (const auto* list = std::get_if<std::vector<std::string>>(value)) return *list;
  fail("option '{}' must be a list of strings", key);
}

}  // namespace inferfoundry::webnn
