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

// A whole file mapped read-only (mmap), for large files used in place without a copy. Only for files
// that are replaced by rename and never rewritten in place, such as cache entries: a file truncated
// while mapped would fault when read.
class MappedFile {
 public:
  // Throws Error(kInput) when the file is missing, a folder, or cannot be mapped.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// A folder under the system's temporary folder, removed with its content on destruction. Throws
// Error(kOutput) when it cannot be created.
class TemporaryFolder {
 public:
  explicit TemporaryFolder(const std::string& prefix);
  ~TemporaryFolder();
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace inferfoundry
