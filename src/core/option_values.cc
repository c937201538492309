#include "core/option_values.h"

#include "core/error.h"

namespace inferfoundry {

std::pair<std::string, std::string> parse_key_value(std::string_view item) {
  const auto eq = item.find('=');
  if (eq == std::string_view::npos || eq == 0)
    fail(ErrorKind::kUsage, "invalid --option '{}': expected KEY=VALUE", item);
  return {std::string(item.substr(0, eq)), std::string(item.substr(eq + 1))};
}

std::map<std::string, std::string> parse_key_values(const std::vector<std::string>& items) {
  std::map<std::string, std::string> values;
  for (const std::string& item : items) {
    auto [key, value] = parse_key_value(item);
    if (values.contains(key)) fail(ErrorKind::kUsage, "--option {} given twice", key);
    values.emplace(std::move(key), std::move(value));
  }
  return values;
}

bool parse_bool_value(std::string_view value, std::string_view what) {
  if (value == "1" || value == "true" || value == "on" || value == "yes") return true;
  if (value == "0" || value == "false" || value == "off" || value == "no") return false;
  fail(ErrorKind::kUsage, "{}={} must be a boolean: 1/0, true/false, on/off or yes/no", what, value);
}

}  // namespace inferfoundry
