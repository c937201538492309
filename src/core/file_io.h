#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace inferfoundry {

// Writes the whole file or nothing: the bytes go to a temporary file in the same folder, are flushed,
// and the temp file is renamed over the target. A full disk or a read-only folder leaves any previous
// file intact and throws Error(kOutput) naming the path and the reason.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Reads a whole file; throws Error(kInput) when it is missing, a folder, or unreadable.
std::string read_file(const std::filesystem::path& path);

}  // namespace inferfoundry
