// Every bad input the CLI can get: one clear line on stderr, the documented exit status, no crash.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::run_cli;
using testing::TempDir;

// The error is one line (plus nothing else) and mentions what it is about.
void expect_one_line_error(const testing::CliResult& r, int code, const std::string& mentions) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
}

std::vector<std::string> bench(std::vector<std::string> extra) {
  std::vector<std::string> args{"benchmark", "--iterations", "3", "--warmup", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(CliErrors, MissingModel) {
  expect_one_line_error(run_cli(bench({"--model", "/nonexistent/m.onnx"})), exit_code::kInput, "not found");
}

TEST(CliErrors, DirectoryInsteadOfModel) {
  TempDir dir;
  expect_one_line_error(run_cli(bench({"--model", dir.path().string()})), exit_code::kInput, "directory");
}

TEST(CliErrors, NotAnOnnxModel) {
  TempDir dir;
  testing::write_text(dir / "notes.onnx", "just some text, not protobuf\n");
  expect_one_line_error(run_cli(bench({"--model", (dir / "notes.onnx").string()})), exit_code::kInput,
                        "not a valid ONNX model");
}

TEST(CliErrors, TruncatedModel) {
  TempDir dir;
  const std::string bytes = read_file(INFERFOUNDRY_DEMO_MODEL);
  testing::write_text(dir / "cut.onnx", bytes.substr(0, bytes.size() / 2));
  expect_one_line_error(run_cli(bench({"--model", (dir / "cut.onnx").string()})), exit_code::kInput,
                        "not a valid ONNX model");
  expect_one_line_error(run_cli({"inspect", "--model", (dir / "cut.onnx").string()}), exit_code::kInput, "cut.onnx");
}

TEST(CliErrors, UnknownInputInShapes) {
  expect_one_line_error(run_cli(bench({"--model", INFERFOUNDRY_DEMO_MODEL, "--shapes", "pixels:1x3x32x32"})),
                        exit_code::kUsage, "'pixels'");
}

TEST(CliErrors, ShapeThatContradictsTheModel) {
  expect_one_line_error(run_cli(bench({"--model", INFERFOUNDRY_DEMO_MODEL, "--shapes", "image:1x4x32x32"})),
                        exit_code::kUsage, "fixed");
}

TEST(CliErrors, NegativeOrNonNumericCounts) {
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{{"--iterations", "-5"},
                                                                                    {"--iterations", "ten"},
                                                                                    {"--warmup", "-1"},
                                                                                    {"--iterations", "0"},
                                                                                    {"--duration", "fast"},
                                                                                    {"--duration", "-3s"},
                                                                                    {"--threads", "-2"}}) {
    const auto r = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, flag, value});
    EXPECT_EQ(r.exit_code, exit_code::kUsage) << flag << " " << value << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(CliErrors, UnknownRuntimeListsValidOnes) {
  const auto r = run_cli(bench({"--model", INFERFOUNDRY_DEMO_MODEL, "--runtimes", "onnx,turbo"}));
  expect_one_line_error(r, exit_code::kUsage, "'turbo'");
  EXPECT_NE(r.err.find("valid runtimes: onnx"), std::string::npos) << r.err;
}

TEST(CliErrors, UnwritableOutputFailsBeforeRunning) {
  TempDir dir;
  expect_one_line_error(
      run_cli(bench({"--model", INFERFOUNDRY_DEMO_MODEL, "--output", (dir / "no/such/dir/r.json").string()})),
      exit_code::kOutput, "does not exist");
  expect_one_line_error(run_cli(bench({"--model", INFERFOUNDRY_DEMO_MODEL, "--output", dir.path().string()})),
                        exit_code::kOutput, "directory");
}

TEST(CliErrors, UnknownOptionAndMissingCommand) {
  expect_one_line_error(run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--turbo"}), exit_code::kUsage,
                        "--turbo");
  EXPECT_EQ(run_cli({}).exit_code, exit_code::kUsage);
  EXPECT_EQ(run_cli({"frobnicate"}).exit_code, exit_code::kUsage);
  EXPECT_EQ(run_cli({"benchmark"}).exit_code, exit_code::kUsage);  // --model is required
}

TEST(CliErrors, InputsFolderThatDoesNotFit) {
  TempDir dir;
  expect_one_line_error(run_cli(bench({"--model", INFERFOUNDRY_DEMO_MODEL, "--inputs", (dir / "none").string()})),
                        exit_code::kInput, "not a folder");
  // A test-data folder of another model: wrong dtype/shape for `image`.
  const fs::path other = fs::path(ONNX_TESTDATA_DIR) / "node/test_abs/test_data_set_0";
  expect_one_line_error(run_cli(bench({"--model", INFERFOUNDRY_DEMO_MODEL, "--inputs", other.string()})),
                        exit_code::kInput, "input_0.pb");
}

TEST(CliErrors, ReportOfMalformedOrForeignFiles) {
  TempDir dir;
  testing::write_text(dir / "broken.json", "{\"model\": ");
  expect_one_line_error(run_cli({"report", "--path", (dir / "broken.json").string()}), exit_code::kInput,
                        "not valid JSON");
  testing::write_text(dir / "package.json", R"({"name": "left-pad", "version": "1.3.0"})");
  expect_one_line_error(run_cli({"report", "--path", (dir / "package.json").string()}), exit_code::kInput,
                        "not an InferFoundry results file");
  expect_one_line_error(run_cli({"report", "--path", (dir / "missing.json").string()}), exit_code::kInput, "not found");
}

TEST(CliErrors, HelpAndVersionSucceed) {
  const auto help = run_cli({"benchmark", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--runtimes"), std::string::npos);
  EXPECT_EQ(run_cli({"--version"}).exit_code, 0);
}

}  // namespace
}  // namespace inferfoundry
