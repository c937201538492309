#include "report/markdown_text.h"

#include "core/terminal_text.h"

namespace inferfoundry {

std::string markdown_text(std::string_view text) {
  const std::string plain = terminal_text(text);
  std::string out;
  out.reserve(plain.size());
  for (char c : plain) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\\':
      case '|':
      case '*':
      case '_':
      case '`':
      case '[':
      case ']':
      case '#':
      case '!':
      case '~':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace inferfoundry
