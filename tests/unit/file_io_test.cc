// Atomic writes: a failed write (full disk, read-only folder) leaves the previous file intact.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

size_t file_count(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicWrite, ReplacesContent) {
  TempDir dir;
  write_file_atomically(dir / "a.json", "first");
  write_file_atomically(dir / "a.json", "second");
  EXPECT_EQ(read_file(dir / "a.json"), "second");
  EXPECT_EQ(file_count(dir.path()), 1u);
}

// A file-size limit makes write() fail with EFBIG, the way a full disk makes it fail with ENOSPC.
TEST(AtomicWrite, FailedWriteKeepsPreviousFileAndLeavesNoTemp) {
  TempDir dir;
  write_file_atomically(dir / "results.json", "previous results");
  rlimit old_limit{};
  getrlimit(RLIMIT_FSIZE, &old_limit);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old_limit;
  small.rlim_cur = 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  try {
    write_file_atomically(dir / "results.json", std::string(64 * 1024, 'x'));
    ADD_FAILURE() << "write beyond the file-size limit succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kOutput);
    EXPECT_NE(std::string(e.what()).find("results.json"), std::string::npos);
  }
  setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(read_file(dir / "results.json"), "previous results");
  EXPECT_EQ(file_count(dir.path()), 1u);
}

TEST(AtomicWrite, ReadOnlyFolderIsAnOutputError) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores folder permissions";
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(write_file_atomically(dir / "x", "y"), Error);
}

TEST(AtomicWrite, DirectoryTargetIsRefused) {
  TempDir dir;
  fs::create_directory(dir / "sub");
  try {
    write_file_atomically(dir / "sub", "x");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kOutput);
  }
}

TEST(CreatedFolders, FailureRemovesOnlyWhatWasCreatedHere) {
  TempDir dir;
  fs::create_directories(dir / "existing");
  testing::write_text(dir / "existing" / "old.pb", "previous");
  {
    CreatedFolders created(dir / "existing/new/deeper/");
    EXPECT_TRUE(fs::is_directory(dir / "existing/new/deeper"));
    created.add_file(dir / "existing" / "new" / "deeper" / "a.pb");
    testing::write_text(dir / "existing" / "new" / "deeper" / "a.pb", "written here");
    created.add_file(dir / "existing" / "old.pb");  // existed before: never removed
  }                                                 // no keep(): the write failed
  EXPECT_FALSE(fs::exists(dir / "existing" / "new"));
  EXPECT_EQ(read_file(dir / "existing" / "old.pb"), "previous");
  {
    CreatedFolders created(dir / "kept");
    created.keep();
  }
  EXPECT_TRUE(fs::is_directory(dir / "kept"));
  testing::write_text(dir / "file", "x");
  EXPECT_THROW(CreatedFolders(dir / "file" / "sub"), Error);
}

TEST(AtomicWrite, FailureNamesTheCallThatFailed) {
  try {
    write_file_atomically("/proc/version", "x");  // /proc takes no new files
    ADD_FAILURE() << "wrote /proc/version";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kOutput);
    EXPECT_NE(std::string(e.what()).find("cannot create a temporary file beside it"), std::string::npos) << e.what();
  }
}

TEST(ReadFile, MissingAndDirectory) {
  TempDir dir;
  EXPECT_THROW(read_file(dir / "nope"), Error);
  EXPECT_THROW(read_file(dir.path()), Error);
}

TEST(MappedFile, SeesTheBytesAndKeepsThemWhenTheFileIsReplaced) {
  TempDir dir;
  write_file_atomically(dir / "plan", "first version");
  const MappedFile mapped(dir / "plan");
  EXPECT_EQ(mapped.bytes(), "first version");
  write_file_atomically(dir / "plan", "second");  // a rename: the mapped file lives on until unmapped
  EXPECT_EQ(mapped.bytes(), "first version");
  EXPECT_EQ(MappedFile(dir / "plan").bytes(), "second");
}

TEST(MappedFile, EmptyMissingAndDirectory) {
  TempDir dir;
  write_file_atomically(dir / "empty", "");
  EXPECT_TRUE(MappedFile(dir / "empty").bytes().empty());
  EXPECT_THROW(MappedFile(dir / "nope"), Error);
  EXPECT_THROW(MappedFile(dir.path()), Error);
  MappedFile moved(MappedFile(dir / "empty"));
  EXPECT_TRUE(moved.bytes().empty());
}

}  // namespace
}  // namespace inferfoundry
