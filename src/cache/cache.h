#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_io.h"

namespace inferfoundry {

// sha256 of bytes, lower-case hex (OpenSSL).
std::string sha256_hex(std::string_view bytes);
// sha256 of a file's content, streamed; throws Error(kInput) when unreadable.
std::string sha256_file(const std::filesystem::path& path);

// XXH3-128 (libxxhash), lower-case hex, 32 characters. Not cryptographic: it detects damaged bytes and names
// content in cache keys at memory speed, where sha256 of a 100 MB model cost a fifth of a plan load.
std::string xxh128_hex(std::string_view bytes);
// XXH3-128 of a file's content, streamed; throws Error(kInput) when unreadable.
std::string xxh128_file(const std::filesystem::path& path);

// An exclusive advisory lock (flock) on one cache entry, held until destruction, so that concurrent builders
// of the same entry take turns and the second finds what the first wrote instead of writing over it.
class CacheLock {
 public:
  explicit CacheLock(const std::filesystem::path& lock_file);
  ~CacheLock();
  CacheLock(const CacheLock&) = delete;
  CacheLock& operator=(const CacheLock&) = delete;

 private:
  int fd_ = -1;
};

// InferFoundry's cache folder: built engines, timing caches and foundry plans, keyed so that a changed
// input never reuses a stale entry. Layout: ROOT/<kind>/<key>.<ext> for blob entries (written with an
// XXH3-128 checksum header, verified on read) and ROOT/<kind>/<key>/ for folder entries that another library
// fills (e.g. ONNX Runtime's TensorRT engine cache). Folders the cache creates are private to the user
// (0700); folders that already existed keep their permissions.
//
// The root holds a marker file (kMarkerFile, "InferFoundry cache format N") written by whoever creates the
// folder. `--cache-dir` is a free-form path, so the `cache` commands act only on a folder with the marker
// (open_existing), and even there delete only entries they recognise.
class Cache {
 public:
  struct Entry {
    std::string kind;
    std::string key;
    std::filesystem::path path;
    uint64_t bytes = 0;
    std::filesystem::file_time_type last_used;
  };

  static constexpr std::string_view kMarkerFile = ".inferfoundry-cache";
  static constexpr int kFormatVersion = 1;

  // For runtimes that store entries: creates the root when missing (with the marker), and adds the marker
  // to an existing folder only when it is empty. A non-empty folder without the marker (a cache from before
  // the marker, or any other folder) is used as it is, unmarked. Throws Error(kOutput) when it cannot.
  explicit Cache(std::filesystem::path root);
  // For the `cache` commands: nullopt when `root` does not exist (nothing is created). Throws Error(kInput)
  // when it is not a folder, has no marker, or has a newer format; nothing is touched then.
  static std::optional<Cache> open_existing(const std::filesystem::path& root);
  // --cache-dir if given, else $INFERFOUNDRY_CACHE_DIR, else $XDG_CACHE_HOME/inferfoundry, else
  // ~/.cache/inferfoundry.
  static std::filesystem::path default_root(const std::filesystem::path& override_dir = {});

  // A key from parts that must all match for reuse (model hash, precision, shapes, GPU, versions...).
  static std::string make_key(const std::vector<std::string>& parts);

  const std::filesystem::path& root() const { return root_; }

  // Blob entries. read() returns nullopt when absent; when present but damaged (bad checksum, truncated)
  // it removes the entry, sets *damaged and returns nullopt so the caller rebuilds and warns.
  std::optional<std::string> read(std::string_view kind, std::string_view key, bool* damaged = nullptr) const;
  // read() without the copy: the entry mapped in place (entries are replaced by rename, never rewritten,
  // so a mapped entry stays intact), with `payload` the bytes after the checksum header.
  struct MappedEntry {
    MappedFile file;
    std::string_view payload;
  };
  std::optional<MappedEntry> map(std::string_view kind, std::string_view key, bool* damaged = nullptr) const;
  // Atomic: concurrent writers of the same key each rename a complete file into place; last one wins.
  void write(std::string_view kind, std::string_view key, std::string_view bytes) const;

  // Folder entries, created on demand (0700).
  std::filesystem::path folder(std::string_view kind, std::string_view key) const;

  // Blocks until no other process holds the entry's lock (ROOT/.locks/<kind>-<key>.lock).
  std::unique_ptr<CacheLock> lock(std::string_view kind, std::string_view key) const;

  // Entries of every kind, most recently used first: blob files (<key>.bin starting with the blob header)
  // and real folders inside real, non-hidden kind folders. Symbolic links, other files, locks and writes in
  // progress are not entries, so they are never listed, pruned or cleared.
  std::vector<Entry> list() const;
  // Removes every entry; returns how many.
  size_t clear() const;
  // Removes least recently used entries until the total is at most max_bytes; returns how many.
  size_t prune(uint64_t max_bytes) const;

 private:
  struct OpenOnly {};
  Cache(std::filesystem::path root, OpenOnly) : root_(std::move(root)) {}
  std::filesystem::path blob_path(std::string_view kind, std::string_view key) const;
  std::filesystem::path root_;
};

// "500M", "2G", "1024" (bytes), "10K". Throws Error(kUsage).
uint64_t parse_byte_size(const std::string& text);

}  // namespace inferfoundry
