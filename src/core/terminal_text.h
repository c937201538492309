#pragma once
// Text from models, results files and folder names on its way to a terminal. Such a name can hold a
// newline that forges a line of output, or an escape sequence (ANSI colours, OSC 8 links, OSC 52 clipboard
// writes, a cleared screen) that the terminal would act on.
#include <string>
#include <string_view>

namespace inferfoundry {

// `text` with every control character written as \xNN: C0 (newline and tab included) and DEL as bytes,
// C1 (U+0080..U+009F) by their UTF-8 bytes, and bytes that are not valid UTF-8 the same way. Printable
// text, other UTF-8 characters and backslashes are kept as they are.
std::string terminal_text(std::string_view text);

}  // namespace inferfoundry
