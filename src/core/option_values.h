#pragma once
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inferfoundry {

// Parsers for the values of `--option KEY=VALUE`, shared by every command and runtime so that the same
// text means the same thing everywhere. All throw Error(kUsage) naming the offending text.

// "KEY=VALUE" -> {KEY, VALUE}. The key must be non-empty; the value may be empty.
std::pair<std::string, std::string> parse_key_value(std::string_view item);
// Every item of a repeated --option into one map; a key given twice is an error.
std::map<std::string, std::string> parse_key_values(const std::vector<std::string>& items);

// 1/0, true/false, on/off, yes/no. `what` names the option in the error ("runtime 'foundry': option tf32").
bool parse_bool_value(std::string_view value, std::string_view what);

}  // namespace inferfoundry
