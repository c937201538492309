#pragma once
// Text from a results file inside a markdown document. Markdown renderers (GitHub's among them) pass raw
// HTML through, so an <img src=...> in a runtime name would be fetched when a pull request is viewed.
#include <string>
#include <string_view>

namespace inferfoundry {

// `text` safe in a table cell, a list item or a line of prose: control bytes escaped as for a terminal
// (core/terminal_text.h; markdown is printed to one by default), '<', '>' and '&' as HTML entities, and
// markdown's own specials (\ | * _ ` [ ] # ! ~) with a backslash, so it can neither end the cell nor
// start markup.
std::string markdown_text(std::string_view text);

}  // namespace inferfoundry
