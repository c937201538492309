// End-to-end: `inferfoundry cache list|clear|prune` over a cache folder given by flag or environment.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cache/cache.h"
#include "core/error.h"
#include "core/file_io.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::run_cli;
using testing::TempDir;

void fill(const Cache& cache) {
  cache.write("foundry", "plan1", std::string(2000, 'p'));
  testing::write_text(cache.folder("tensorrt", "engine1") / "net.engine", std::string(5000, 'e'));
  const auto now = std::filesystem::file_time_type::clock::now();
  std::filesystem::last_write_time(cache.root() / "tensorrt" / "engine1", now - std::chrono::hours(5));
}

TEST(CliCache, ListShowsEntriesFromFlagOrEnvironment) {
  TempDir dir;
  fill(Cache(dir.path()));
  const auto r = run_cli({"cache", "list", "--cache-dir", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("plan1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("engine1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 entries"), std::string::npos) << r.out;

  const auto j = run_cli({"cache", "list", "--json"}, {"INFERFOUNDRY_CACHE_DIR=" + dir.path().string()});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto json = nlohmann::json::parse(j.out);
  EXPECT_EQ(json["root"], dir.path().string());
  ASSERT_EQ(json["entries"].size(), 2u);
  EXPECT_EQ(json["entries"][0]["key"], "plan1");  // most recently used first
  EXPECT_EQ(json["entries"][1]["kind"], "tensorrt");
  EXPECT_EQ(json["entries"][1]["bytes"], 5000);
}

TEST(CliCache, PruneKeepsRecentEntriesUnderTheLimitAndClearEmpties) {
  TempDir dir;
  const Cache cache(dir.path());
  fill(cache);
  const auto prune = run_cli({"cache", "prune", "--max-size", "3K", "--cache-dir", dir.path().string()});
  ASSERT_EQ(prune.exit_code, 0) << prune.err;
  EXPECT_NE(prune.out.find("removed 1 entry"), std::string::npos) << prune.out;
  ASSERT_EQ(cache.list().size(), 1u);
  EXPECT_EQ(cache.list()[0].key, "plan1");

  const auto clear = run_cli({"cache", "clear", "--cache-dir", dir.path().string()});
  ASSERT_EQ(clear.exit_code, 0) << clear.err;
  EXPECT_TRUE(cache.list().empty());
  const auto list = run_cli({"cache", "list", "--cache-dir", dir.path().string()});
  EXPECT_NE(list.out.find("(empty)"), std::string::npos) << list.out;
}

TEST(CliCache, BadArgumentsAreUsageErrors) {
  TempDir dir;
  const auto bad_size = run_cli({"cache", "prune", "--max-size", "lots", "--cache-dir", dir.path().string()});
  EXPECT_EQ(bad_size.exit_code, 2);
  EXPECT_NE(bad_size.err.find("lots"), std::string::npos) << bad_size.err;
  EXPECT_EQ(run_cli({"cache", "prune", "--cache-dir", dir.path().string()}).exit_code, 2);  // --max-size required
  EXPECT_EQ(run_cli({"cache"}).exit_code, 2);                                               // no action
}

// Mode bits of a path, without following a link.
fs::perms mode_of(const fs::path& path) { return fs::symlink_status(path).permissions(); }

TEST(CliCache, FolderWithoutTheMarkerIsRefusedAndLeftUntouched) {
  TempDir dir;
  const fs::path home = dir / "home";
  fs::create_directories(home / "Documents");
  testing::write_text(home / "Documents" / "thesis.tex", "years of work");
  fs::permissions(home, fs::perms::all | fs::perms::sticky_bit);  // a shared 1777 folder
  for (const std::vector<std::string>& action :
       {std::vector<std::string>{"list"}, {"list", "--json"}, {"clear"}, {"prune", "--max-size", "0"}}) {
    std::vector<std::string> args{"cache"};
    args.insert(args.end(), action.begin(), action.end());
    args.push_back("--cache-dir");
    args.push_back(home.string());
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, exit_code::kInput) << action[0] << ": " << r.err;
    EXPECT_NE(r.err.find("not an InferFoundry cache folder"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(read_file(home / "Documents" / "thesis.tex"), "years of work");
  EXPECT_EQ(mode_of(home), fs::perms::all | fs::perms::sticky_bit);
  EXPECT_FALSE(fs::exists(home / std::string(Cache::kMarkerFile)));
}

TEST(CliCache, MissingFolderListsEmptyAndIsNotCreated) {
  TempDir dir;
  const auto r = run_cli({"cache", "list", "--cache-dir", (dir / "none").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(empty)"), std::string::npos) << r.out;
  EXPECT_EQ(run_cli({"cache", "clear", "--cache-dir", (dir / "none").string()}).exit_code, 0);
  EXPECT_FALSE(fs::exists(dir / "none"));
}

TEST(CliCache, ClearRemovesOnlyEntriesItRecognisesAndFollowsNoLinks) {
  TempDir dir, outside;
  testing::write_text(outside / "precious.txt", "keep me");
  const Cache cache(dir / "cache");
  fill(cache);
  testing::write_text(dir / "cache" / "foundry" / "notes.txt", "mine");                // not a blob
  testing::write_text(dir / "cache" / "foundry" / "fake.bin", "not a cache blob");     // no blob header
  fs::create_directory_symlink(outside.path(), dir / "cache" / "foundry" / "linked");  // a link as an entry
  fs::create_directory_symlink(outside.path(), dir / "cache" / "linked-kind");         // a link as a kind
  const auto r = run_cli({"cache", "clear", "--cache-dir", (dir / "cache").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("removed 2 entries"), std::string::npos) << r.out;
  EXPECT_TRUE(cache.list().empty());
  EXPECT_EQ(read_file(dir / "cache" / "foundry" / "notes.txt"), "mine");
  EXPECT_TRUE(fs::exists(dir / "cache" / "foundry" / "fake.bin"));
  EXPECT_TRUE(fs::is_symlink(dir / "cache" / "foundry" / "linked"));
  EXPECT_EQ(read_file(outside / "precious.txt"), "keep me");
}

}  // namespace
}  // namespace inferfoundry
