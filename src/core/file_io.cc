#include "core/file_io.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>
#include <vector>

#include "core/error.h"

namespace inferfoundry {
namespace fs = std::filesystem;

namespace {

// Owns a file descriptor and the temp path; removes the temp file unless committed. Each failure names the
// call that failed and its errno: "No such file or directory" alone, for a write to /proc/version, said
// nothing about the temporary file that could not be created beside it.
class TempFile {
 public:
  explicit TempFile(const fs::path& target) : path_(target.string() + ".tmp-XXXXXX") {
    fd_ = mkstemp(path_.data());
    if (fd_ < 0) {
      fail(ErrorKind::kOutput, "cannot write {}: cannot create a temporary file beside it ({}): {}", target.string(),
           path_, std::strerror(errno));
    }
  }
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
    if (!committed_) unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write_all(std::string_view bytes, const fs::path& target) {
    while (!bytes.empty()) {
      const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        fail(ErrorKind::kOutput, "cannot write {}: writing {} failed: {}", target.string(), path_,
             std::strerror(errno));
      }
      bytes.remove_prefix(static_cast<size_t>(written));
    }
    if (fsync(fd_) != 0) {
      fail(ErrorKind::kOutput, "cannot write {}: flushing {} to disk failed: {}", target.string(), path_,
           std::strerror(errno));
    }
    const int fd = std::exchange(fd_, -1);
    if (close(fd) != 0) {
      fail(ErrorKind::kOutput, "cannot write {}: closing {} failed: {}", target.string(), path_, std::strerror(errno));
    }
  }

  void commit(const fs::path& target) {
    // mkstemp creates 0600; results are ordinary user files.
    fchmodat(AT_FDCWD, path_.c_str(), 0644, 0);
    if (std::rename(path_.c_str(), target.c_str()) != 0) {
      fail(ErrorKind::kOutput, "cannot write {}: renaming {} over it failed: {}", target.string(), path_,
           std::strerror(errno));
    }
    committed_ = true;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace

void write_file_atomically(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail(ErrorKind::kOutput, "cannot write {}: it is a directory", path.string());
  TempFile temp(path);
  temp.write_all(bytes, path);
  temp.commit(path);
}

std::string read_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(ErrorKind::kInput, "file not found: {}", path.string());
  if (fs::is_directory(path, ec)) fail(ErrorKind::kInput, "expected a file, got a directory: {}", path.string());
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::kInput, "cannot read {}", path.string());
  // One read into a buffer of the file's size: plans and models run to hundreds of MiB, and a stream
  // copy through an ostringstream costs several times the read itself.
  const auto size = fs::file_size(path, ec);
  if (ec) fail(ErrorKind::kInput, "cannot read {}: {}", path.string(), ec.message());
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size)
    fail(ErrorKind::kInput, "cannot read {}: it changed while being read", path.string());
  return bytes;
}

MappedFile::MappedFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(ErrorKind::kInput, "file not found: {}", path.string());
  if (fs::is_directory(path, ec)) fail(ErrorKind::kInput, "expected a file, got a directory: {}", path.string());
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(ErrorKind::kInput, "cannot read {}: {}", path.string(), std::strerror(errno));
  struct stat info {};
  if (fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    fail(ErrorKind::kInput, "cannot read {}: {}", path.string(), std::strerror(error));
  }
  size_ = static_cast<size_t>(info.st_size);
  if (size_ > 0) {
    // MAP_POPULATE maps every page now: the caller reads all of it at once, and one pass over the page
    // cache costs less than a fault per page.
    data_ = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  }
  const int error = errno;
  ::close(fd);  // the mapping keeps the file
  if (data_ == MAP_FAILED) {
    data_ = nullptr;
    size_ = 0;
    fail(ErrorKind::kInput, "cannot map {}: {}", path.string(), std::strerror(error));
  }
}

MappedFile::~MappedFile() {
  if (data_) munmap(data_, size_);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_) munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

CreatedFolders::CreatedFolders(const fs::path& dir) {
  // "out/" and "out/./x" name the folders "out" and "out/x".
  fs::path target = dir.lexically_normal();
  if (!target.has_filename() && target.has_parent_path()) target = target.parent_path();
  // The missing folders, outermost first, found before creating any, so only those are ever removed.
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path at = target; !at.empty() && !fs::exists(fs::symlink_status(at, ec)); at = at.parent_path()) {
    missing.insert(missing.begin(), at);
    if (at == at.parent_path()) break;
  }
  for (const fs::path& folder : missing) {
    if (!fs::create_directory(folder, ec) || ec) {
      remove_created();
      fail(ErrorKind::kOutput, "cannot create folder {}: {}", folder.string(),
           ec ? ec.message() : std::string("it appeared while being created"));
    }
    created_.push_back(folder);
  }
}

void CreatedFolders::add_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(file, ec))) files_.push_back(file);
}

void CreatedFolders::remove_created() {
  for (const fs::path& file : files_) unlink(file.c_str());
  // Innermost first; remove() leaves a folder that holds anything not written here.
  std::error_code ec;
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) fs::remove(*it, ec);
}

CreatedFolders::~CreatedFolders() {
  if (!kept_) remove_created();
}

TemporaryFolder::TemporaryFolder(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (!::mkdtemp(pattern.data()))
    fail(ErrorKind::kOutput, "cannot create a temporary folder {}: {}", pattern, std::strerror(errno));
  path_ = pattern;
}

TemporaryFolder::~TemporaryFolder() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace inferfoundry
