// End-to-end: `inferfoundry cache list|clear|prune` over a cache folder given by flag or environment.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cache/cache.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
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

}  // namespace
}  // namespace inferfoundry
