// The cache folder: checksummed blobs, damaged entries, concurrent writers, locks, list/clear/prune.
#include "cache/cache.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/file_io.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

TEST(Cache, BlobRoundTripsAndRootIsPrivate) {
  TempDir dir;
  const Cache cache(dir / "root");
  EXPECT_FALSE(cache.read("engines", "k1").has_value());
  cache.write("engines", "k1", "engine bytes");
  EXPECT_EQ(cache.read("engines", "k1").value(), "engine bytes");
  struct stat info {};
  ASSERT_EQ(stat((dir / "root").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST(Cache, CreatingTheFolderWritesTheMarkerAndAnExistingFolderKeepsItsPermissions) {
  TempDir dir;
  const Cache created(dir / "new");
  EXPECT_EQ(read_file(dir / "new" / std::string(Cache::kMarkerFile)), "InferFoundry cache format 1\n");
  EXPECT_TRUE(Cache::open_existing(dir / "new").has_value());

  fs::create_directories(dir / "shared");
  fs::permissions(dir / "shared", fs::perms::all | fs::perms::sticky_bit);
  const Cache shared(dir / "shared");  // empty: adopted with a marker, permissions left alone
  shared.write("plans", "k", "bytes");
  EXPECT_EQ(fs::status(dir / "shared").permissions(), fs::perms::all | fs::perms::sticky_bit);
  EXPECT_TRUE(fs::exists(dir / "shared" / std::string(Cache::kMarkerFile)));
  EXPECT_EQ(fs::status(dir / "shared" / "plans").permissions(), fs::perms::owner_all);  // made here: private

  fs::create_directories(dir / "busy" / "photos");
  const Cache busy(dir / "busy");  // not empty, no marker: used, but not marked
  EXPECT_FALSE(fs::exists(dir / "busy" / std::string(Cache::kMarkerFile)));
  EXPECT_THROW(Cache::open_existing(dir / "busy"), Error);
  EXPECT_FALSE(Cache::open_existing(dir / "missing").has_value());
  EXPECT_FALSE(fs::exists(dir / "missing"));
}

TEST(Cache, MarkerOfANewerFormatIsRefused) {
  TempDir dir;
  testing::write_text(dir / std::string(Cache::kMarkerFile), "InferFoundry cache format 99\n");
  try {
    Cache::open_existing(dir.path());
    ADD_FAILURE() << "opened a cache of a newer format";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("format 99"), std::string::npos) << e.what();
  }
}

TEST(Cache, DamagedBlobIsReportedRemovedAndCanBeRebuilt) {
  TempDir dir;
  const Cache cache(dir.path());
  cache.write("engines", "k", "0123456789");
  const fs::path file = dir / "engines" / "k.bin";
  std::string bytes = read_file(file);
  bytes.back() = 'X';  // one flipped byte
  testing::write_text(file, bytes);
  bool damaged = false;
  EXPECT_FALSE(cache.read("engines", "k", &damaged).has_value());
  EXPECT_TRUE(damaged);
  EXPECT_FALSE(fs::exists(file));
  cache.write("engines", "k", "rebuilt");
  EXPECT_EQ(cache.read("engines", "k", &damaged).value(), "rebuilt");
  EXPECT_FALSE(damaged);
}

TEST(Cache, TruncatedBlobIsDamaged) {
  TempDir dir;
  const Cache cache(dir.path());
  cache.write("plans", "k", std::string(1000, 'a'));
  fs::resize_file(dir / "plans" / "k.bin", 40);
  bool damaged = false;
  EXPECT_FALSE(cache.read("plans", "k", &damaged).has_value());
  EXPECT_TRUE(damaged);
}

TEST(Cache, ConcurrentWritersOfOneKeyLeaveOneCompleteEntry) {
  TempDir dir;
  const Cache cache(dir.path());
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&cache, i] {
      for (int round = 0; round < 20; ++round)
        cache.write("engines", "same", std::string(100000, static_cast<char>('a' + i)));
    });
  }
  for (auto& t : writers) t.join();
  bool damaged = true;
  const auto value = cache.read("engines", "same", &damaged);
  ASSERT_TRUE(value.has_value());
  EXPECT_FALSE(damaged);
  EXPECT_EQ(value->size(), 100000u);
  EXPECT_EQ(value->find_first_not_of(value->front()), std::string::npos);  // one writer's bytes, not a mix
  EXPECT_EQ(cache.list().size(), 1u);                                      // no temp files left behind or listed
}

TEST(Cache, LockMakesSecondHolderWaitForTheFirst) {
  TempDir dir;
  const Cache cache(dir.path());
  std::atomic<bool> first_done{false};
  auto first = cache.lock("tensorrt", "key");
  std::thread second([&] {
    auto lock = cache.lock("tensorrt", "key");
    EXPECT_TRUE(first_done.load());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  first_done = true;
  first.reset();
  second.join();
  EXPECT_TRUE(cache.list().empty());  // lock files are not entries
}

TEST(Cache, FolderEntriesAreListedWithTheirSize) {
  TempDir dir;
  const Cache cache(dir.path());
  const fs::path folder = cache.folder("tensorrt", "abc");
  testing::write_text(folder / "model.engine", std::string(300, 'e'));
  testing::write_text(folder / "model.profile", std::string(20, 'p'));
  const auto entries = cache.list();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, "tensorrt");
  EXPECT_EQ(entries[0].key, "abc");
  EXPECT_EQ(entries[0].bytes, 320u);
}

TEST(Cache, PruneRemovesLeastRecentlyUsedFirst) {
  TempDir dir;
  const Cache cache(dir.path());
  cache.write("plans", "old", std::string(1000, 'o'));
  cache.write("plans", "mid", std::string(1000, 'm'));
  cache.write("plans", "new", std::string(1000, 'n'));
  const auto now = fs::file_time_type::clock::now();
  fs::last_write_time(dir / "plans" / "old.bin", now - std::chrono::hours(3));
  fs::last_write_time(dir / "plans" / "mid.bin", now - std::chrono::hours(2));
  fs::last_write_time(dir / "plans" / "new.bin", now - std::chrono::hours(1));
  EXPECT_EQ(cache.prune(2500), 1u);
  EXPECT_FALSE(cache.read("plans", "old").has_value());
  EXPECT_TRUE(cache.read("plans", "mid").has_value());  // reading marks it recently used
  EXPECT_EQ(cache.prune(1200), 1u);
  EXPECT_FALSE(cache.read("plans", "new").has_value());
  EXPECT_TRUE(cache.read("plans", "mid").has_value());
  EXPECT_EQ(cache.clear(), 1u);
  EXPECT_TRUE(cache.list().empty());
}

TEST(Cache, KeysDependOnEveryPartAndItsBoundaries) {
  EXPECT_EQ(Cache::make_key({"a", "b"}), Cache::make_key({"a", "b"}));
  EXPECT_NE(Cache::make_key({"a", "b"}), Cache::make_key({"a", "c"}));
  EXPECT_NE(Cache::make_key({"ab", "c"}), Cache::make_key({"a", "bc"}));
  EXPECT_EQ(Cache::make_key({"x"}).size(), 32u);
}

TEST(Cache, DefaultRootFollowsFlagThenEnvironment) {
  EXPECT_EQ(Cache::default_root("/explicit"), fs::path("/explicit"));
  setenv("INFERFOUNDRY_CACHE_DIR", "/from-env", 1);
  EXPECT_EQ(Cache::default_root(), fs::path("/from-env"));
  unsetenv("INFERFOUNDRY_CACHE_DIR");
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  EXPECT_EQ(Cache::default_root(), fs::path("/xdg/inferfoundry"));
  unsetenv("XDG_CACHE_HOME");
}

TEST(Cache, ByteSizesParseAndBadOnesAreUsageErrors) {
  EXPECT_EQ(parse_byte_size("1024"), 1024u);
  EXPECT_EQ(parse_byte_size("10K"), 10240u);
  EXPECT_EQ(parse_byte_size("500M"), 500ull * 1024 * 1024);
  EXPECT_EQ(parse_byte_size("2G"), 2ull * 1024 * 1024 * 1024);
  for (const char* bad : {"", "abc", "-5M", "10X"}) {
    try {
      parse_byte_size(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    }
  }
}

TEST(Cache, Sha256MatchesKnownDigest) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Expected digests from xxh128sum (Debian's xxhash package).
TEST(Cache, Xxh128MatchesKnownDigests) {
  EXPECT_EQ(xxh128_hex("abc"), "06b05ab6733a618578af5f94892f3950");
  EXPECT_EQ(xxh128_hex(""), "99aa06d3014798d86001c324468d497f");
}

TEST(Cache, Xxh128OfAFileEqualsThatOfItsBytesAcrossChunks) {
  TempDir dir;
  std::string bytes((size_t{9} << 20) + 123, '\0');  // more than two of the 4 MiB read chunks
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 2654435761u) >> 13);
  write_file_atomically(dir.path() / "blob", bytes);
  EXPECT_EQ(xxh128_file(dir.path() / "blob"), xxh128_hex(bytes));
  EXPECT_EQ(sha256_file(dir.path() / "blob"), sha256_hex(bytes));
  EXPECT_THROW(xxh128_file(dir.path() / "missing"), Error);
}

}  // namespace
}  // namespace inferfoundry
