// `inferfoundry build` from the command line: usage, input and availability errors everywhere; on a GPU
// machine also plan save/load and the rebuild of damaged and stale plans with a warning.
#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "runtimes/registry.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {

using testing::run_cli;
using testing::TempDir;

bool foundry_available() {
  const auto registry = RuntimeRegistry::with_builtin_runtimes();
  const Runtime* foundry = registry.find("foundry");
  return foundry && foundry->availability().available;
}

int line_count(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

TEST(FoundryCli, BadInputsGiveOneErrorLineAndTheirExitCode) {
  const auto missing = run_cli({"build", "--runtime", "foundry", "--model", "/nonexistent/model.onnx"});
  EXPECT_EQ(missing.exit_code, exit_code::kInput) << missing.err;
  EXPECT_EQ(line_count(missing.err), 1) << missing.err;
  const auto unknown = run_cli({"build", "--runtime", "no-such-runtime", "--model", INFERFOUNDRY_DEMO_MODEL});
  EXPECT_EQ(unknown.exit_code, exit_code::kUsage) << unknown.err;
  const auto precision =
      run_cli({"build", "--runtime", "foundry", "--model", INFERFOUNDRY_DEMO_MODEL, "--precision", "int8"});
  EXPECT_EQ(precision.exit_code, exit_code::kUsage) << precision.err;
  const auto unwritable = run_cli(
      {"build", "--runtime", "foundry", "--model", INFERFOUNDRY_DEMO_MODEL, "--save-plan", "/nonexistent/dir/p.plan"});
  EXPECT_EQ(unwritable.exit_code, exit_code::kOutput) << unwritable.err;
}

TEST(FoundryCli, WithoutAGpuFoundryIsUnavailableWithAReason) {
  if (foundry_available()) GTEST_SKIP() << "a GPU is present";
  const auto r = run_cli({"build", "--runtime", "foundry", "--model", INFERFOUNDRY_DEMO_MODEL});
  EXPECT_EQ(r.exit_code, exit_code::kUnavailable) << r.err;
  EXPECT_NE(r.err.find("unavailable"), std::string::npos) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
}

TEST(FoundryCli, SavesLoadsAndRebuildsDamagedOrStalePlans) {
  if (!foundry_available()) GTEST_SKIP() << "foundry needs a GPU";
  TempDir dir;
  const std::string plan = (dir / "demo.plan").string();
  const std::string cache = (dir / "cache").string();
  const auto built = run_cli(
      {"build", "--runtime", "foundry", "--model", INFERFOUNDRY_DEMO_MODEL, "--save-plan", plan, "--cache-dir", cache});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_NE(built.out.find("layers:"), std::string::npos) << built.out;
  const auto loaded = run_cli(
      {"build", "--runtime", "foundry", "--model", INFERFOUNDRY_DEMO_MODEL, "--load-plan", plan, "--cache-dir", cache});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_NE(loaded.out.find("plan:           plan file"), std::string::npos) << loaded.out;
  EXPECT_EQ(loaded.err.find("warning"), std::string::npos) << loaded.err;
  // A damaged plan: one flipped byte in the middle.
  std::string bytes;
  {
    std::ifstream in(plan, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] ^= 0x20;
  std::ofstream(plan, std::ios::binary) << bytes;
  const auto damaged = run_cli(
      {"build", "--runtime", "foundry", "--model", INFERFOUNDRY_DEMO_MODEL, "--load-plan", plan, "--cache-dir", cache});
  EXPECT_EQ(damaged.exit_code, 0) << damaged.err;
  EXPECT_NE(damaged.err.find("warning: damaged plan"), std::string::npos) << damaged.err;
  // A stale plan: built for fp32, asked for fp16.
  run_cli(
      {"build", "--runtime", "foundry", "--model", INFERFOUNDRY_DEMO_MODEL, "--save-plan", plan, "--cache-dir", cache});
  const auto stale = run_cli({"build", "--runtime", "foundry", "--model", INFERFOUNDRY_DEMO_MODEL, "--precision",
                              "fp16", "--load-plan", plan, "--cache-dir", cache});
  EXPECT_EQ(stale.exit_code, 0) << stale.err;
  EXPECT_NE(stale.err.find("warning: stale plan"), std::string::npos) << stale.err;
  EXPECT_NE(stale.err.find("precision"), std::string::npos) << stale.err;
  // The cache: a second build of the same model and settings loads.
  const auto cached =
      run_cli({"build", "--runtime", "foundry", "--model", INFERFOUNDRY_DEMO_MODEL, "--cache-dir", cache});
  EXPECT_NE(cached.out.find("plan:           cache"), std::string::npos) << cached.out;
}

}  // namespace
}  // namespace inferfoundry
