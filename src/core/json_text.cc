#include "core/json_text.h"

#include "core/error.h"

namespace inferfoundry {
namespace {
using nlohmann::json;

// nlohmann's own DOM builder with a depth count on every container it opens. sax_parse calls these
// through the static type, so the shadowing methods take effect without virtual functions.
class DepthLimitedBuilder : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  DepthLimitedBuilder(json& root, std::string_view what, int max_depth)
      : json_sax_dom_parser(root), what_(what), max_depth_(max_depth) {}

  bool start_object(std::size_t length) {
    enter();
    return json_sax_dom_parser::start_object(length);
  }
  bool start_array(std::size_t length) {
    enter();
    return json_sax_dom_parser::start_array(length);
  }
  bool end_object() {
    --depth_;
    return json_sax_dom_parser::end_object();
  }
  bool end_array() {
    --depth_;
    return json_sax_dom_parser::end_array();
  }

 private:
  void enter() {
    if (++depth_ > max_depth_) fail(ErrorKind::kInput, "{} nests JSON deeper than {} levels", what_, max_depth_);
  }

  std::string_view what_;
  int max_depth_;
  int depth_ = 0;
};

json parse_bounded(std::string_view bytes, json::input_format_t format, std::string_view what, int max_depth) {
  json root;
  DepthLimitedBuilder builder(root, what, max_depth);
  json::sax_parse(bytes, &builder, format);
  return root;
}

}  // namespace

json parse_json_bounded(std::string_view text, std::string_view what, int max_depth) {
  return parse_bounded(text, json::input_format_t::json, what, max_depth);
}

json parse_cbor_bounded(std::string_view bytes, std::string_view what, int max_depth) {
  return parse_bounded(bytes, json::input_format_t::cbor, what, max_depth);
}

std::string dump_json(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace inferfoundry
