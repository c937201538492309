#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

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

// Creates a folder and its missing parents for files about to be written there. Unless keep() is called,
// the destructor removes the new files recorded with add_file() and then the folders it created (innermost
// first, each only if empty), so a failed write (a full disk) leaves nothing behind. Folders and files that
// existed before are never removed. Throws Error(kOutput) naming the folder that could not be created.
class CreatedFolders {
 public:
  explicit CreatedFolders(const std::filesystem::path& dir);
  ~CreatedFolders();
  CreatedFolders(const CreatedFolders&) = delete;
  CreatedFolders& operator=(const CreatedFolders&) = delete;
  // Call before writing `file`: it is removed on failure only if it does not exist yet.
  void add_file(const std::filesystem::path& file);
  void keep() { kept_ = true; }

 private:
  void remove_created();
  std::vector<std::filesystem::path> created_;
  std::vector<std::filesystem::path> files_;
  bool kept_ = false;
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
