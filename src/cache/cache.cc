#include "cache/cache.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>
#define XXH_INLINE_ALL  // header-only: nothing more to ship beside the binary
#include <xxhash.h>

#include "core/error.h"
#include "core/file_io.h"

namespace inferfoundry {
namespace fs = std::filesystem;

namespace {

// Blob header: magic, 32 hex chars of XXH3-128, newline. Entries of the sha256 format (IFCACHE1) read as
// damaged and are rebuilt once.
constexpr std::string_view kMagic = "IFCACHE2";
constexpr size_t kDigestChars = 32;
constexpr size_t kHeaderSize = 8 + kDigestChars + 1;

struct DigestDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using Digest = std::unique_ptr<EVP_MD_CTX, DigestDeleter>;

Digest new_sha256() {
  Digest ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    fail(ErrorKind::kInternal, "OpenSSL sha256 init failed");
  return ctx;
}

std::string finish_hex(EVP_MD_CTX* ctx) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, digest.data(), &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

// Creates `dir` (and missing parents) when it does not exist. Only a folder made here is made private: a
// folder that already existed, such as a shared 1777 folder given as --cache-dir, keeps its permissions.
// Returns whether `dir` was created.
bool make_private_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return false;
  if (!dir.parent_path().empty()) fs::create_directories(dir.parent_path(), ec);
  const bool created = !ec && fs::create_directory(dir, ec);
  if (ec) fail(ErrorKind::kOutput, "cannot create cache folder {}: {}", dir.string(), ec.message());
  if (created) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  return created;
}

std::string marker_text() { return fmt::format("InferFoundry cache format {}\n", Cache::kFormatVersion); }

// The format version in a marker file's text, or nullopt when the text is not a marker.
std::optional<int> marker_version(std::string_view text) {
  constexpr std::string_view kPrefix = "InferFoundry cache format ";
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  int version = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (ec != std::errc() || end != text.data() + text.size() || version < 1) return std::nullopt;
  return version;
}

bool is_empty_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_empty(dir, ec) && !ec;
}

// A real folder, not a symbolic link to one: the cache never follows links out of its root.
bool is_real_folder(const fs::directory_entry& entry) {
  std::error_code ec;
  return entry.is_directory(ec) && !entry.is_symlink(ec);
}

// A regular file (not a link) that starts like a blob written by Cache::write (any format version).
bool is_blob_file(const fs::directory_entry& entry) {
  std::error_code ec;
  if (entry.is_symlink(ec) || !entry.is_regular_file(ec) || entry.path().extension() != ".bin") return false;
  std::ifstream in(entry.path(), std::ios::binary);
  char head[7] = {};
  in.read(head, sizeof(head));
  return in.gcount() == sizeof(head) && std::string_view(head, sizeof(head)) == kMagic.substr(0, sizeof(head));
}

// Streams a file through `consume` in large chunks; throws Error(kInput) when it cannot be read.
template <typename Consume>
void for_each_chunk(const fs::path& path, Consume consume) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::kInput, "cannot read {}", path.string());
  std::vector<char> buffer(size_t{4} << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    consume(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) fail(ErrorKind::kInput, "cannot read {}", path.string());
}

uint64_t size_of(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return fs::file_size(path, ec);
  uint64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  Digest ctx = new_sha256();
  EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size());
  return finish_hex(ctx.get());
}

std::string sha256_file(const fs::path& path) {
  Digest ctx = new_sha256();
  for_each_chunk(path, [&](const char* data, size_t size) { EVP_DigestUpdate(ctx.get(), data, size); });
  return finish_hex(ctx.get());
}

namespace {
std::string xxh128_to_hex(XXH128_hash_t hash) { return fmt::format("{:016x}{:016x}", hash.high64, hash.low64); }

struct XxhStateDeleter {
  void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
};
}  // namespace

std::string xxh128_hex(std::string_view bytes) { return xxh128_to_hex(XXH3_128bits(bytes.data(), bytes.size())); }

std::string xxh128_file(const fs::path& path) {
  const std::unique_ptr<XXH3_state_t, XxhStateDeleter> state(XXH3_createState());
  if (!state || XXH3_128bits_reset(state.get()) != XXH_OK) fail(ErrorKind::kInternal, "XXH3 state allocation failed");
  for_each_chunk(path, [&](const char* data, size_t size) { XXH3_128bits_update(state.get(), data, size); });
  return xxh128_to_hex(XXH3_128bits_digest(state.get()));
}

CacheLock::CacheLock(const fs::path& lock_file) {
  fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) fail(ErrorKind::kOutput, "cannot create cache lock {}", lock_file.string());
  while (flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      ::close(fd_);
      fail(ErrorKind::kOutput, "cannot lock {}", lock_file.string());
    }
  }
}

CacheLock::~CacheLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

std::unique_ptr<CacheLock> Cache::lock(std::string_view kind, std::string_view key) const {
  const fs::path dir = root_ / ".locks";
  make_private_dir(dir);
  return std::make_unique<CacheLock>(dir / (std::string(kind) + "-" + std::string(key) + ".lock"));
}

Cache::Cache(fs::path root) : root_(std::move(root)) {
  const bool created = make_private_dir(root_);
  const fs::path marker = root_ / std::string(kMarkerFile);
  std::error_code ec;
  if (created || (!fs::exists(marker, ec) && is_empty_folder(root_))) write_file_atomically(marker, marker_text());
}

std::optional<Cache> Cache::open_existing(const fs::path& root) {
  std::error_code ec;
  const auto status = fs::status(root, ec);
  if (!fs::exists(status)) return std::nullopt;
  if (!fs::is_directory(status)) fail(ErrorKind::kInput, "cache folder {} is not a folder", root.string());
  const fs::path marker = root / std::string(kMarkerFile);
  if (!fs::is_regular_file(marker, ec)) {
    fail(ErrorKind::kInput,
         "{} is not an InferFoundry cache folder (it has no {} marker); refusing to touch it. A cache made "
         "before the marker existed holds only rebuildable entries: delete it by hand",
         root.string(), kMarkerFile);
  }
  const auto version = marker_version(read_file(marker));
  if (!version)
    fail(ErrorKind::kInput, "{} is not an InferFoundry cache marker; refusing to touch {}", marker.string(),
         root.string());
  if (*version > kFormatVersion) {
    fail(ErrorKind::kInput, "cache folder {} has format {}, newer than this InferFoundry understands ({})",
         root.string(), *version, kFormatVersion);
  }
  return Cache(root, OpenOnly{});
}

fs::path Cache::default_root(const fs::path& override_dir) {
  if (!override_dir.empty()) return override_dir;
  if (const char* env = std::getenv("INFERFOUNDRY_CACHE_DIR"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "inferfoundry";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "inferfoundry";
  return fs::temp_directory_path() / "inferfoundry-cache";
}

std::string Cache::make_key(const std::vector<std::string>& parts) {
  std::string joined;
  for (const auto& part : parts) joined += std::to_string(part.size()) + ":" + part + ";";  // unambiguous
  return sha256_hex(joined).substr(0, 32);
}

fs::path Cache::blob_path(std::string_view kind, std::string_view key) const {
  return root_ / std::string(kind) / (std::string(key) + ".bin");
}

std::optional<std::string> Cache::read(std::string_view kind, std::string_view key, bool* damaged) const {
  auto entry = map(kind, key, damaged);
  if (!entry) return std::nullopt;
  return std::string(entry->payload);
}

std::optional<Cache::MappedEntry> Cache::map(std::string_view kind, std::string_view key, bool* damaged) const {
  if (damaged) *damaged = false;
  const fs::path path = blob_path(kind, key);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  MappedFile file(path);
  const std::string_view bytes = file.bytes();
  const bool well_formed =
      bytes.size() >= kHeaderSize && bytes.substr(0, kMagic.size()) == kMagic && bytes[kHeaderSize - 1] == '\n';
  const std::string_view payload = well_formed ? bytes.substr(kHeaderSize) : std::string_view();
  if (!well_formed || xxh128_hex(payload) != bytes.substr(kMagic.size(), kDigestChars)) {
    fs::remove(path, ec);
    if (damaged) *damaged = true;
    return std::nullopt;
  }
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // marks it recently used for prune
  return MappedEntry{std::move(file), payload};
}

void Cache::write(std::string_view kind, std::string_view key, std::string_view bytes) const {
  make_private_dir(root_ / std::string(kind));
  std::string blob;
  blob.reserve(kHeaderSize + bytes.size());
  blob.append(kMagic).append(xxh128_hex(bytes)).append("\n").append(bytes);
  write_file_atomically(blob_path(kind, key), blob);
}

fs::path Cache::folder(std::string_view kind, std::string_view key) const {
  const fs::path dir = root_ / std::string(kind) / std::string(key);
  make_private_dir(dir);
  return dir;
}

std::vector<Cache::Entry> Cache::list() const {
  std::vector<Entry> entries;
  std::error_code ec;
  for (const auto& kind_dir : fs::directory_iterator(root_, ec)) {
    if (!is_real_folder(kind_dir) || kind_dir.path().filename().string().starts_with(".")) continue;
    for (const auto& item : fs::directory_iterator(kind_dir.path(), ec)) {
      const std::string name = item.path().filename().string();
      if (name.find(".tmp-") != std::string::npos) continue;  // a write in progress
      const bool folder = is_real_folder(item);
      if (!folder && !is_blob_file(item)) continue;  // not ours: never listed, never removed
      Entry entry;
      entry.kind = kind_dir.path().filename().string();
      entry.key = folder ? name : item.path().stem().string();
      entry.path = item.path();
      entry.bytes = size_of(item.path());
      entry.last_used = fs::last_write_time(item.path(), ec);
      entries.push_back(std::move(entry));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.last_used > b.last_used; });
  return entries;
}

size_t Cache::clear() const {
  size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : list()) {
    fs::remove_all(entry.path, ec);
    if (!ec) ++removed;
  }
  return removed;
}

size_t Cache::prune(uint64_t max_bytes) const {
  auto entries = list();  // most recently used first
  uint64_t total = 0;
  for (const auto& entry : entries) total += entry.bytes;
  size_t removed = 0;
  std::error_code ec;
  while (total > max_bytes && !entries.empty()) {
    const Entry oldest = entries.back();
    entries.pop_back();
    fs::remove_all(oldest.path, ec);
    total -= oldest.bytes;
    ++removed;
  }
  return removed;
}

uint64_t parse_byte_size(const std::string& text) {
  size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
  }
  const std::string unit = text.substr(std::min(used, text.size()));
  double scale = 0;
  if (unit.empty() || unit == "B")
    scale = 1;
  else if (unit == "K" || unit == "KiB")
    scale = 1024.0;
  else if (unit == "M" || unit == "MiB")
    scale = 1024.0 * 1024;
  else if (unit == "G" || unit == "GiB")
    scale = 1024.0 * 1024 * 1024;
  // 2^64 as a double: anything at or past it (or inf, nan) has no uint64_t value.
  constexpr double kLimit = 18446744073709551616.0;
  if (!(value >= 0) || scale == 0 || !(value * scale < kLimit))
    fail(ErrorKind::kUsage, "invalid size '{}': expected a number with K, M or G, like 500M", text);
  return static_cast<uint64_t>(value * scale);
}

}  // namespace inferfoundry
