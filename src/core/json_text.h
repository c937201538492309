#pragma once
// JSON text in and out of InferFoundry. In: JSON and CBOR from files other people wrote (results files,
// plans), parsed with a limit on nesting.
// nlohmann's parser does not recurse, but copying, comparing and dumping a value do, one stack frame per
// level: a results file nested 100,000 levels deep would overflow the stack in every report format.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace inferfoundry {

// Deeper than any file InferFoundry writes (under 10) and far from the stack's limit.
inline constexpr int kMaxJsonDepth = 64;

// Parses JSON text. Throws Error(kInput) "{what} nests JSON deeper than 64 levels" past the limit, and
// nlohmann::json::exception (parse_error, out_of_range for numbers like 1e400) when the text is malformed.
nlohmann::json parse_json_bounded(std::string_view text, std::string_view what, int max_depth = kMaxJsonDepth);

// The same for CBOR bytes (nlohmann's CBOR reader recurses itself, so the limit also guards the parse).
nlohmann::json parse_cbor_bounded(std::string_view bytes, std::string_view what, int max_depth = kMaxJsonDepth);

// Out: JSON text for files and the terminal. Strings from models may hold invalid UTF-8 (protobuf does not
// check it), on which nlohmann's dump() throws; here such bytes become U+FFFD and the rest is kept.
std::string dump_json(const nlohmann::json& value, int indent = 2);

}  // namespace inferfoundry
